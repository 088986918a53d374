#include "ingest/mail/message_parser.h"

#include <openssl/sha.h>

#include <algorithm>
#include <string>

#include "ingest/identity/identity_hints.h"
#include "ingest/mail/address_list.h"
#include "ingest/mail/date_time.h"
#include "ingest/mail/encoded_word.h"
#include "ingest/mail/header_block.h"
#include "ingest/mail/message_id.h"

namespace rapport::ingest {
namespace {

std::string LowerTrim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  std::string s = SanitizeText(v);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

// First word of a header value, lower-cased ("auto-generated; x=y" -> "auto-generated").
std::string FirstWord(std::string_view v) {
  std::string s = LowerTrim(v);
  size_t end = s.find_first_of(" \t;(");
  return end == std::string::npos ? s : s.substr(0, end);
}

std::string ListId(std::string_view v) {
  size_t lt = v.find('<'), gt = v.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
    return LowerTrim(v.substr(lt + 1, gt - lt - 1));
  }
  return LowerTrim(v);
}

void AppendMailboxes(std::vector<model::Mailbox>& to, std::string_view value) {
  for (auto& m : ParseAddressList(value)) to.push_back(std::move(m));
}

std::string FoldedAddress(const model::Mailbox& m) {
  std::string s = m.address.empty() ? "name:" + m.name : m.address;
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

}  // namespace

bool ApplyThreadingOrBulkField(std::string_view n, std::string_view value,
                               model::MessageMeta& meta) {
  if (EqualsIgnoreCase(n, "Message-ID")) {
    if (meta.message_id.empty()) meta.message_id = ParseMessageId(value);
  } else if (EqualsIgnoreCase(n, "In-Reply-To")) {
    if (meta.in_reply_to.empty()) meta.in_reply_to = ParseMessageId(value);
  } else if (EqualsIgnoreCase(n, "References")) {
    if (meta.references.empty()) meta.references = ParseMessageIds(value);
  } else if (EqualsIgnoreCase(n, "List-Id")) {
    if (meta.bulk.list_id.empty()) meta.bulk.list_id = ListId(value);
  } else if (EqualsIgnoreCase(n, "List-Unsubscribe")) {
    meta.bulk.list_unsubscribe = true;
  } else if (EqualsIgnoreCase(n, "Precedence")) {
    if (meta.bulk.precedence.empty()) meta.bulk.precedence = FirstWord(value);
  } else if (EqualsIgnoreCase(n, "Auto-Submitted")) {
    if (meta.bulk.auto_submitted.empty()) meta.bulk.auto_submitted = FirstWord(value);
  } else {
    return false;
  }
  return true;
}

model::Fingerprint ComputeFingerprint(const model::MessageMeta& meta) {
  std::vector<std::string> recipients;
  for (const auto* list : {&meta.to, &meta.cc}) {
    for (const auto& m : *list) recipients.push_back(FoldedAddress(m));
  }
  std::sort(recipients.begin(), recipients.end());
  recipients.erase(std::unique(recipients.begin(), recipients.end()), recipients.end());

  std::string canonical = FoldedAddress(meta.from);
  canonical += '\n' + std::to_string(meta.sent.utc_seconds) + '\n';
  for (const auto& r : recipients) canonical += r + ',';
  canonical += '\n' + meta.subject;

  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  model::Fingerprint fp;
  std::copy_n(digest, fp.size(), fp.begin());
  return fp;
}

Result<model::MessageMeta> ParseMessage(std::string_view raw) {
  HeaderBlock block = SplitHeaderBlock(raw.substr(0, kMaxHeaderBytes));
  if (block.fields.empty()) return Status::InvalidArgument(std::string(kRejectNoHeaders));
  if (block.header_bytes >= kMaxHeaderBytes) {
    return Status::InvalidArgument(std::string(kRejectHugeHeader));
  }

  model::MessageMeta meta;
  const HeaderField* from = nullptr;
  const HeaderField* sender = nullptr;
  const HeaderField* date = nullptr;
  for (const HeaderField& f : block.fields) {
    std::string_view n = f.name;
    // Single-instance fields take their first occurrence; address lists are merged.
    if (EqualsIgnoreCase(n, "From")) {
      if (!from) from = &f;
    } else if (EqualsIgnoreCase(n, "Sender")) {
      if (!sender) sender = &f;
    } else if (EqualsIgnoreCase(n, "Date")) {
      if (!date) date = &f;
    } else if (EqualsIgnoreCase(n, "To")) {
      AppendMailboxes(meta.to, f.value);
    } else if (EqualsIgnoreCase(n, "Cc")) {
      AppendMailboxes(meta.cc, f.value);
    } else if (EqualsIgnoreCase(n, "Bcc")) {
      AppendMailboxes(meta.bcc, f.value);
    } else if (EqualsIgnoreCase(n, "Subject")) {
      if (meta.subject.empty()) meta.subject = DecodeHeaderText(f.value);
    } else {
      ApplyThreadingOrBulkField(n, f.value, meta);
    }
  }

  for (const HeaderField* f : {from, sender}) {
    if (!f || !meta.from.address.empty()) continue;
    for (auto& m : ParseAddressList(f->value)) {
      if (!m.address.empty()) {
        meta.from = std::move(m);
        break;
      }
    }
  }
  if (meta.from.address.empty()) return Status::InvalidArgument(std::string(kRejectNoSender));

  auto sent = date ? ParseDateTime(date->value) : std::nullopt;
  if (!sent) return Status::InvalidArgument(std::string(kRejectNoDate));
  meta.sent = *sent;
  meta.fingerprint = ComputeFingerprint(meta);
  meta.identity_hints = ReadIdentityHints(block, meta);
  return meta;
}

}  // namespace rapport::ingest
