// IngestGate: the one place where consent decides what ingest may keep (SPEC §1).
//
// Contract: CheckRun() is asked once before anything is read; a non-OK status refuses the whole
// run (no consent in force). Filter() is asked for every parsed message and meeting before it
// reaches the store; it may remove participants whose data must not be kept (excluded groups,
// opted-out users) and returns kDrop when nothing of the item may be kept.
#pragma once

#include <string>

#include "rapport/model/meeting.h"
#include "rapport/model/message.h"
#include "rapport/status.h"

namespace rapport::ingest {

enum class GateVerdict { kKeep, kDrop };

class IngestGate {
 public:
  virtual ~IngestGate() = default;
  virtual Status CheckRun() = 0;
  virtual GateVerdict Filter(model::MessageMeta& meta) = 0;
  virtual GateVerdict Filter(model::MeetingMeta& meeting) = 0;
};

// Keeps everything. Used until the consent ledger exists (the consent issue replaces it with the
// policy decision point); tests of the ingest layer also use it.
class KeepAllGate final : public IngestGate {
 public:
  Status CheckRun() override { return Status::Ok(); }
  GateVerdict Filter(model::MessageMeta&) override { return GateVerdict::kKeep; }
  GateVerdict Filter(model::MeetingMeta&) override { return GateVerdict::kKeep; }
};

}  // namespace rapport::ingest
