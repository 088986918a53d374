#include "rapport/api/introduction.h"

#include <fmt/core.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ingest/mail/header_block.h"
#include "rapport/api/iso_time.h"

namespace rapport::api {
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

}  // namespace

std::string IntroductionDraft(const std::string& from_name, const std::string& from,
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

Result<const insights::KnownColleague*> IntroducerOf(store::Store& store,
                                                     const insights::WhoKnowsWhomAnswer& answer,
                                                     std::string_view via) {
  auto person = store.IdentifyPerson(via);
  if (!person.ok()) return person.status();
  for (const auto& c : answer.colleagues) {
    if (c.colleague.id == person->id) return &c;
  }
  return Status::NotFound(std::string(via) + " has no two-way relationship with " +
                          answer.target.label + " (run rapport who-knows to see who has)");
}

}  // namespace rapport::api
