// `rapport introduce`: an RFC 5322 message asking a colleague who knows a contact for an
// introduction (SPEC §4.2). The caller sends it; rapport never does.
#include <fmt/core.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "cli/who_knows.h"
#include "ingest/mail/header_block.h"

namespace rapport::cli {
namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || c < 0x20) return false;
  }
  return true;
}

// A display name as RFC 5322 wants it: a quoted string, or an RFC 2047 encoded word.
std::string Mailbox(const std::string& name, const std::string& address) {
  if (name.empty()) return address;
  std::string phrase;
  if (IsAscii(name)) {
    phrase = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') phrase.push_back('\\');
      phrase.push_back(c);
    }
    phrase += "\"";
  } else {
    std::string b64(4 * ((name.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                  reinterpret_cast<const unsigned char*>(name.data()),
                                  static_cast<int>(name.size()));
    b64.resize(static_cast<size_t>(n));
    phrase = "=?UTF-8?B?" + b64 + "?=";
  }
  return phrase + " <" + address + ">";
}

std::string MessageId(const std::string& from) {
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) return "";
  std::string id;
  for (unsigned char b : random) id += fmt::format("{:02x}", b);
  const size_t at = from.rfind('@');
  return "<" + id + "@" + (at == std::string::npos ? "rapport.invalid" : from.substr(at + 1)) + ">";
}

// "Allen, Phillip K" (Exchange's Last, First) as "Phillip K Allen".
std::string NaturalName(const std::string& name) {
  const size_t comma = name.find(',');
  if (comma == std::string::npos) return name;
  return std::string(ingest::TrimSpaces(name.substr(comma + 1))) + " " +
         std::string(ingest::TrimSpaces(name.substr(0, comma)));
}

std::string FirstName(const std::string& name, const std::string& address) {
  if (name.empty()) return address;
  const std::string natural = NaturalName(name);
  return natural.substr(0, natural.find(' '));
}

std::string Draft(const std::string& from_name, const std::string& from,
                  const insights::KnownColleague& via, const insights::Target& target,
                  int64_t now) {
  const auto& e = via.tie.explanation;
  std::string m;
  m += "From: " + Mailbox(from_name, from) + "\r\n";
  m += "To: " + Mailbox(via.colleague.name, via.colleague.address) + "\r\n";
  m += "Subject: Introduction to " + target.label + "?\r\n";
  m += "Date: " + FormatUtc(now, "%a, %d %b %Y %H:%M:%S +0000") + "\r\n";
  m += "Message-ID: " + MessageId(from) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  m += "Hi " + FirstName(via.colleague.name, via.colleague.address) + ",\r\n\r\n";
  m += "I would like to get in touch with " + target.label + ".\r\n";
  m += fmt::format("You know them ({} tie: {} e-mails out, {} in, {} meetings; last on {}).\r\n",
                   insights::TieLabelName(via.tie.label), e.emails_to + e.replies_to,
                   e.emails_from + e.replies_from, e.meetings, e.last ? IsoDate(*e.last) : "-");
  m += "Would you be willing to introduce me?\r\n\r\nThanks,\r\n";
  m += (from_name.empty() ? from : NaturalName(from_name)) + "\r\n";
  return m;
}

}  // namespace

int RunIntroduce(const std::string& db, const InsightArgs& args) {
  int code = 0;
  auto known = AskWhoKnows(db, args, 1000, code);
  if (!known) return code;
  const insights::KnownColleague* via = nullptr;
  for (const auto& c : known->answer.colleagues) {
    if (c.colleague.id == known->via_person) via = &c;
  }
  if (!via) {
    return Fail(args.via + " has no two-way relationship with " + known->answer.target.label +
                " (run rapport who-knows to see who has)");
  }
  const std::string text =
      Draft(known->caller_name, known->caller_address, *via, known->answer.target, Now());
  if (args.out.empty()) {
    fmt::print("{}", text);
    return 0;
  }
  std::ofstream out(args.out, std::ios::binary);
  out << text;
  if (!out.flush()) return Fail("cannot write " + args.out + " (check the folder exists)");
  fmt::print("wrote {} (to {}): send it from your mail program\n", args.out,
             via->colleague.address);
  return 0;
}

}  // namespace rapport::cli
