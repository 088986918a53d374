// MessageParser: raw RFC 5322 message bytes -> MessageMeta (SPEC §3), reading the header
// section only.
//
// Contract: returns the metadata or a rejection whose message is one of the fixed reasons below,
// so a run can count rejections by reason. Never reads the body. The fingerprint is computed here.
#pragma once

#include <string_view>

#include "rapport/model/message.h"
#include "rapport/status.h"

namespace rapport::ingest {

// Rejection reasons, stable for summaries and tests.
inline constexpr std::string_view kRejectNoHeaders = "no header fields (not a mail message)";
inline constexpr std::string_view kRejectNoSender = "no From or Sender address";
inline constexpr std::string_view kRejectNoDate = "missing or unparseable Date header";
inline constexpr std::string_view kRejectHugeHeader = "header section larger than 8 MiB";

inline constexpr size_t kMaxHeaderBytes = 8u << 20;

Result<model::MessageMeta> ParseMessage(std::string_view raw);

// Reads one header field if it is about threading or bulk mail (Message-ID, In-Reply-To,
// References, List-Id, List-Unsubscribe, Precedence, Auto-Submitted) into `meta`, first
// occurrence winning; false for any other field. Shared by every source that carries RFC 5322
// headers (mail files, Graph internetMessageHeaders), so all read them the same way.
bool ApplyThreadingOrBulkField(std::string_view name, std::string_view value,
                               model::MessageMeta& meta);

// The content fingerprint: sender, sent time, To and Cc (sorted, case-folded) and a digest of the
// subject. Bcc is left out because only the sender's copy carries it.
model::Fingerprint ComputeFingerprint(const model::MessageMeta& meta);

}  // namespace rapport::ingest
