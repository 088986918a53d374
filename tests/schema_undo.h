// SQL that takes a SQLite store back across a migration, for the tests that open a store as an
// older rapport left it. Each undoes one migration of src/store/sqlite/schema.cc exactly.
#pragma once

namespace rapport::testing {

// Migration 27 undone: the row trigger that marked a stored message's people when it gained a
// participant (migration 21's form).
inline constexpr const char* kUndoWriterMarksLateParticipants = R"sql(
CREATE TRIGGER tie_participant_late AFTER INSERT ON participant
WHEN NEW.message <= (SELECT message FROM tie_watermark) BEGIN
  INSERT INTO tie_stale (person) SELECT a.person_id FROM participant t
    JOIN address a ON a.id = t.address WHERE t.message = NEW.message ON CONFLICT DO NOTHING;
END;
)sql";

// Migration 26 undone: `message` with its two UNIQUE constraints again, message_sent, and the
// three triggers on it.
inline constexpr const char* kUndoMessageKeyedByTime = R"sql(
CREATE TABLE message_before (
  id             INTEGER PRIMARY KEY,
  tenant_id      INTEGER NOT NULL REFERENCES tenant(id),
  message_id     TEXT NOT NULL,
  fingerprint    BLOB NOT NULL,
  sent_at        INTEGER NOT NULL,
  utc_offset_min INTEGER NOT NULL,
  sender_id      INTEGER NOT NULL REFERENCES address(id),
  in_reply_to    TEXT,
  references_ids TEXT,
  list_id        TEXT,
  precedence     TEXT,
  auto_submitted TEXT,
  is_bulk        INTEGER NOT NULL DEFAULT 0,
  subject        TEXT,
  source         INTEGER NOT NULL REFERENCES source_file(id),
  source_offset  INTEGER NOT NULL,
  ingested_at    INTEGER NOT NULL,
  UNIQUE (tenant_id, message_id),
  UNIQUE (tenant_id, fingerprint)
);
INSERT INTO message_before SELECT * FROM message;
DROP TABLE message;
ALTER TABLE message_before RENAME TO message;
CREATE INDEX message_sent ON message (tenant_id, sent_at);
CREATE TRIGGER tie_message_out AFTER DELETE ON message BEGIN
  UPDATE tie_watermark SET message = (SELECT coalesce(max(id), 0) FROM message)
    WHERE message > (SELECT coalesce(max(id), 0) FROM message);
END;
CREATE TRIGGER tie_message_changed
AFTER UPDATE OF message_id, sent_at, is_bulk, in_reply_to, references_ids ON message
WHEN OLD.message_id IS NOT NEW.message_id OR OLD.sent_at IS NOT NEW.sent_at
  OR OLD.is_bulk IS NOT NEW.is_bulk OR OLD.in_reply_to IS NOT NEW.in_reply_to
  OR OLD.references_ids IS NOT NEW.references_ids BEGIN
  INSERT INTO tie_stale (person) SELECT a.person_id FROM participant t
    JOIN address a ON a.id = t.address WHERE t.message = NEW.id ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER participant_sent_at AFTER UPDATE OF sent_at ON message
WHEN OLD.sent_at IS NOT NEW.sent_at BEGIN
  UPDATE participant SET sent_at = NEW.sent_at WHERE message = NEW.id;
END;
)sql";

}  // namespace rapport::testing
