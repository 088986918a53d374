#include "store/sqlite/message_keys.h"

namespace rapport::store {

// SQLite's way to change a table's constraints: a new table, the rows copied in id order, the
// old one dropped (its indexes and triggers with it), the new one renamed. Foreign keys are off
// on every connection (configure.cc), so the drop deletes no participant. The indexes are made
// after the copy, each by one sort. The three triggers are those of migrations 21 and 23.
const char* const kMessageKeyedByTime = R"sql(
CREATE TABLE message_rebuilt (
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
  ingested_at    INTEGER NOT NULL
);
INSERT INTO message_rebuilt SELECT id, tenant_id, message_id, fingerprint, sent_at,
  utc_offset_min, sender_id, in_reply_to, references_ids, list_id, precedence, auto_submitted,
  is_bulk, subject, source, source_offset, ingested_at FROM message ORDER BY id;
DROP TABLE message;
ALTER TABLE message_rebuilt RENAME TO message;
CREATE UNIQUE INDEX message_message_id ON message (tenant_id, message_id);
CREATE UNIQUE INDEX message_content ON message (tenant_id, sent_at, fingerprint);
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
PRAGMA analysis_limit = 1000;
ANALYZE message;
)sql";

}  // namespace rapport::store
