#include "store/sqlite/tie_marks.h"

namespace rapport::store {

// Each trigger keeps its event and WHEN clause. A mark that exists already (a person marked
// stale, perhaps "whole") is left as it is, as NOT IN left it: by an upsert's DO NOTHING, which
// holds whatever the outer statement's conflict clause (INSERT OR IGNORE would not: schema.cc,
// migration 17). person_id is never NULL, and a meeting without an organizer adds no mark.
const char* const kTieMarksAsUpserts = R"sql(
DROP TRIGGER tie_participant_late;
CREATE TRIGGER tie_participant_late AFTER INSERT ON participant
WHEN NEW.message <= (SELECT message FROM tie_watermark) BEGIN
  INSERT INTO tie_stale (person) SELECT a.person_id FROM participant t
    JOIN address a ON a.id = t.address WHERE t.message = NEW.message ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_participant_out;
CREATE TRIGGER tie_participant_out AFTER DELETE ON participant BEGIN
  INSERT INTO tie_stale (person) SELECT person_id FROM address WHERE id = OLD.address
    ON CONFLICT DO NOTHING;
  INSERT INTO tie_stale (person) SELECT a.person_id FROM participant t
    JOIN address a ON a.id = t.address WHERE t.message = OLD.message ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_attendee_in;
CREATE TRIGGER tie_attendee_in AFTER INSERT ON meeting_attendee BEGIN
  INSERT INTO tie_stale (person) SELECT a.person_id FROM meeting_attendee t
    JOIN address a ON a.id = t.address WHERE t.meeting = NEW.meeting ON CONFLICT DO NOTHING;
  INSERT INTO tie_stale (person) SELECT a.person_id FROM meeting g
    JOIN address a ON a.id = g.organizer_id WHERE g.id = NEW.meeting ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_attendee_out;
CREATE TRIGGER tie_attendee_out AFTER DELETE ON meeting_attendee BEGIN
  INSERT INTO tie_stale (person) SELECT person_id FROM address WHERE id = OLD.address
    ON CONFLICT DO NOTHING;
  INSERT INTO tie_stale (person) SELECT a.person_id FROM meeting_attendee t
    JOIN address a ON a.id = t.address WHERE t.meeting = OLD.meeting ON CONFLICT DO NOTHING;
  INSERT INTO tie_stale (person) SELECT a.person_id FROM meeting g
    JOIN address a ON a.id = g.organizer_id WHERE g.id = OLD.meeting ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_attendee_changed;
CREATE TRIGGER tie_attendee_changed AFTER UPDATE ON meeting_attendee
WHEN OLD.meeting IS NOT NEW.meeting OR OLD.address IS NOT NEW.address
  OR OLD.role IS NOT NEW.role OR OLD.response IS NOT NEW.response BEGIN
  INSERT INTO tie_stale (person) SELECT person_id FROM address WHERE id = OLD.address
    ON CONFLICT DO NOTHING;
  INSERT INTO tie_stale (person) SELECT a.person_id FROM meeting_attendee t
    JOIN address a ON a.id = t.address WHERE t.meeting IN (OLD.meeting, NEW.meeting)
    ON CONFLICT DO NOTHING;
  INSERT INTO tie_stale (person) SELECT a.person_id FROM meeting g
    JOIN address a ON a.id = g.organizer_id WHERE g.id IN (OLD.meeting, NEW.meeting)
    ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_meeting_in;
CREATE TRIGGER tie_meeting_in AFTER INSERT ON meeting WHEN NEW.organizer_id IS NOT NULL BEGIN
  INSERT INTO tie_stale (person) SELECT person_id FROM address
    WHERE id = NEW.organizer_id ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_meeting_out;
CREATE TRIGGER tie_meeting_out AFTER DELETE ON meeting BEGIN
  INSERT INTO tie_stale (person) SELECT person_id FROM address
    WHERE id = OLD.organizer_id ON CONFLICT DO NOTHING;
  INSERT INTO tie_stale (person) SELECT a.person_id FROM meeting_attendee t
    JOIN address a ON a.id = t.address WHERE t.meeting = OLD.id ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_meeting_changed;
CREATE TRIGGER tie_meeting_changed
AFTER UPDATE OF organizer_id, start_at, end_at, all_day, cancelled ON meeting
WHEN OLD.organizer_id IS NOT NEW.organizer_id OR OLD.start_at IS NOT NEW.start_at
  OR OLD.end_at IS NOT NEW.end_at OR OLD.all_day IS NOT NEW.all_day
  OR OLD.cancelled IS NOT NEW.cancelled BEGIN
  INSERT INTO tie_stale (person) SELECT person_id FROM address
    WHERE id IN (OLD.organizer_id, NEW.organizer_id) ON CONFLICT DO NOTHING;
  INSERT INTO tie_stale (person) SELECT a.person_id FROM meeting_attendee t
    JOIN address a ON a.id = t.address WHERE t.meeting = NEW.id ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_message_changed;
CREATE TRIGGER tie_message_changed
AFTER UPDATE OF message_id, sent_at, is_bulk, in_reply_to, references_ids ON message
WHEN OLD.message_id IS NOT NEW.message_id OR OLD.sent_at IS NOT NEW.sent_at
  OR OLD.is_bulk IS NOT NEW.is_bulk OR OLD.in_reply_to IS NOT NEW.in_reply_to
  OR OLD.references_ids IS NOT NEW.references_ids BEGIN
  INSERT INTO tie_stale (person) SELECT a.person_id FROM participant t
    JOIN address a ON a.id = t.address WHERE t.message = NEW.id ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_address_changed;
CREATE TRIGGER tie_address_changed AFTER UPDATE OF person_id, is_role ON address
WHEN OLD.person_id IS NOT NEW.person_id OR OLD.is_role IS NOT NEW.is_role BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person IN (OLD.person_id, NEW.person_id);
  INSERT INTO tie_stale (person, whole) VALUES (OLD.person_id, 1) ON CONFLICT DO NOTHING;
  INSERT INTO tie_stale (person, whole) VALUES (NEW.person_id, 1) ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_address_added;
CREATE TRIGGER tie_address_added AFTER INSERT ON address
WHEN NEW.is_role = 0
  AND EXISTS (SELECT 1 FROM address WHERE person_id = NEW.person_id AND id <> NEW.id)
  AND NOT EXISTS (SELECT 1 FROM address WHERE person_id = NEW.person_id AND id <> NEW.id
                  AND is_role = 0) BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person = NEW.person_id;
  INSERT INTO tie_stale (person, whole) VALUES (NEW.person_id, 1) ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_address_out;
CREATE TRIGGER tie_address_out AFTER DELETE ON address BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person = OLD.person_id;
  INSERT INTO tie_stale (person, whole) VALUES (OLD.person_id, 1) ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_person_changed;
CREATE TRIGGER tie_person_changed AFTER UPDATE OF kind ON person
WHEN OLD.kind IS NOT NEW.kind BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person = NEW.id;
  INSERT INTO tie_stale (person, whole) VALUES (NEW.id, 1) ON CONFLICT DO NOTHING;
END;
DROP TRIGGER tie_person_out;
CREATE TRIGGER tie_person_out AFTER DELETE ON person BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person = OLD.id;
  INSERT INTO tie_stale (person, whole) VALUES (OLD.id, 1) ON CONFLICT DO NOTHING;
END;
)sql";

}  // namespace rapport::store
