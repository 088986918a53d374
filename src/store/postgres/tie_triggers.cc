#include "store/postgres/tie_triggers.h"

#include <string>

namespace rapport::store {

// Participants and attendees arrive many to a statement: those triggers run once per statement
// over its transition table, set-based. The rest fire on single-row writes (a person, a meeting)
// and run per row, as SQLite's do.
// "Mark" inserts into tie_stale, ignoring people already marked; "mark whole" also sets whole.
const char* const kTieTriggers = R"sql(
CREATE FUNCTION tie_message_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  UPDATE tie_watermark SET message = (SELECT coalesce(max(id), 0) FROM message)
    WHERE message > (SELECT coalesce(max(id), 0) FROM message);
  RETURN NULL;
END $$;
CREATE TRIGGER tie_message_out AFTER DELETE ON message
  FOR EACH STATEMENT EXECUTE FUNCTION tie_message_out();

CREATE FUNCTION tie_participant_late() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM participant t
    JOIN address a ON a.id = t.address
    WHERE t.message IN (SELECT message FROM new_rows
                        WHERE message <= (SELECT message FROM tie_watermark))
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_participant_late AFTER INSERT ON participant
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tie_participant_late();

CREATE FUNCTION tie_participant_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM participant
                     WHERE message IN (SELECT message FROM old_rows)
                   UNION SELECT address FROM old_rows)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_participant_out AFTER DELETE ON participant
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tie_participant_out();

CREATE FUNCTION tie_attendee_in() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee
                     WHERE meeting IN (SELECT meeting FROM new_rows)
                   UNION SELECT organizer_id FROM meeting
                     WHERE id IN (SELECT meeting FROM new_rows))
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_attendee_in AFTER INSERT ON meeting_attendee
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tie_attendee_in();

CREATE FUNCTION tie_attendee_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee
                     WHERE meeting IN (SELECT meeting FROM old_rows)
                   UNION SELECT organizer_id FROM meeting
                     WHERE id IN (SELECT meeting FROM old_rows)
                   UNION SELECT address FROM old_rows)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_attendee_out AFTER DELETE ON meeting_attendee
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tie_attendee_out();

CREATE FUNCTION tie_attendee_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee
                     WHERE meeting IN (OLD.meeting, NEW.meeting)
                   UNION SELECT organizer_id FROM meeting WHERE id IN (OLD.meeting, NEW.meeting)
                   UNION SELECT OLD.address)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_attendee_changed AFTER UPDATE ON meeting_attendee FOR EACH ROW
  WHEN (OLD.meeting IS DISTINCT FROM NEW.meeting OR OLD.address IS DISTINCT FROM NEW.address
        OR OLD.role IS DISTINCT FROM NEW.role OR OLD.response IS DISTINCT FROM NEW.response)
  EXECUTE FUNCTION tie_attendee_changed();

CREATE FUNCTION tie_meeting_in() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person) SELECT person_id FROM address WHERE id = NEW.organizer_id
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_meeting_in AFTER INSERT ON meeting FOR EACH ROW
  WHEN (NEW.organizer_id IS NOT NULL) EXECUTE FUNCTION tie_meeting_in();

CREATE FUNCTION tie_meeting_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee WHERE meeting = OLD.id
                   UNION SELECT OLD.organizer_id)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_meeting_out AFTER DELETE ON meeting FOR EACH ROW
  EXECUTE FUNCTION tie_meeting_out();

CREATE FUNCTION tie_meeting_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee WHERE meeting = NEW.id
                   UNION SELECT OLD.organizer_id UNION SELECT NEW.organizer_id)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_meeting_changed AFTER UPDATE ON meeting FOR EACH ROW
  WHEN (OLD.organizer_id IS DISTINCT FROM NEW.organizer_id
        OR OLD.start_at IS DISTINCT FROM NEW.start_at OR OLD.end_at IS DISTINCT FROM NEW.end_at
        OR OLD.all_day IS DISTINCT FROM NEW.all_day
        OR OLD.cancelled IS DISTINCT FROM NEW.cancelled)
  EXECUTE FUNCTION tie_meeting_changed();

CREATE FUNCTION tie_message_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM participant t
    JOIN address a ON a.id = t.address WHERE t.message = NEW.id
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_message_changed AFTER UPDATE ON message FOR EACH ROW
  WHEN (OLD.message_id IS DISTINCT FROM NEW.message_id OR OLD.sent_at IS DISTINCT FROM NEW.sent_at
        OR OLD.is_bulk IS DISTINCT FROM NEW.is_bulk
        OR OLD.in_reply_to IS DISTINCT FROM NEW.in_reply_to
        OR OLD.references_ids IS DISTINCT FROM NEW.references_ids)
  EXECUTE FUNCTION tie_message_changed();

CREATE FUNCTION tie_mark_whole(who BIGINT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO tie_stale (person, whole) VALUES (who, 1)
    ON CONFLICT (person) DO UPDATE SET whole = 1;
$$;

CREATE FUNCTION tie_address_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  PERFORM tie_mark_whole(OLD.person_id);
  PERFORM tie_mark_whole(NEW.person_id);
  RETURN NULL;
END $$;
CREATE TRIGGER tie_address_changed AFTER UPDATE ON address FOR EACH ROW
  WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id OR OLD.is_role IS DISTINCT FROM NEW.is_role)
  EXECUTE FUNCTION tie_address_changed();

)sql";

// A first ordinary address joining a person who had only role addresses changes what the
// person is (a robot until now). Once per statement: PostgreSQL runs an AFTER row trigger only
// when its statement has finished, so a row trigger would see every address the statement
// inserted, where SQLite's sees those inserted before its own row. "Before" is a smaller id among
// the statement's rows (identities are drawn in insertion order, as SQLite's rowids are), and
// every row stored before the statement.
std::string TieAddressAdded(const std::string& stale_key) {
  return R"sql(
CREATE OR REPLACE FUNCTION tie_address_added() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  -- Only a person's first new ordinary address can be the first one "before" which the person
  -- had only role addresses: any later one has that one before it. Counted per person rather
  -- than compared row with row, so that a COPY of thousands of addresses is not quadratic.
  INSERT INTO tie_stale (person, whole)
    SELECT f.person_id, 1
      FROM (SELECT person_id, min(id) FILTER (WHERE is_role = 0) AS first_ordinary,
                   min(id) AS first_any, count(*) AS added,
                   count(*) FILTER (WHERE is_role = 0) AS added_ordinary
              FROM new_rows GROUP BY person_id
            HAVING count(*) FILTER (WHERE is_role = 0) > 0) f,
           LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE o.is_role = 0) AS ordinary
                      FROM address o WHERE o.person_id = f.person_id) o
     WHERE (f.first_any < f.first_ordinary OR o.total > f.added)
       AND o.ordinary = f.added_ordinary
    ON CONFLICT ()sql" +
         stale_key + R"sql() DO UPDATE SET whole = 1;
  RETURN NULL;
END $$;
)sql";
}

const char* const kTieTriggersAfter = R"sql(
CREATE TRIGGER tie_address_added AFTER INSERT ON address
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tie_address_added();

CREATE FUNCTION tie_address_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  PERFORM tie_mark_whole(OLD.person_id);
  RETURN NULL;
END $$;
CREATE TRIGGER tie_address_out AFTER DELETE ON address FOR EACH ROW
  EXECUTE FUNCTION tie_address_out();

CREATE FUNCTION tie_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  PERFORM tie_mark_whole(NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER tie_person_changed AFTER UPDATE ON person FOR EACH ROW
  WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION tie_person_changed();

CREATE FUNCTION tie_person_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  PERFORM tie_mark_whole(OLD.id);
  RETURN NULL;
END $$;
CREATE TRIGGER tie_person_out AFTER DELETE ON person FOR EACH ROW
  EXECUTE FUNCTION tie_person_out();
)sql";

// Migration 3: the four triggers that marked a person whole row by row, through tie_mark_whole
// (an SQL function, planned afresh at each call), mark a statement's people in one insert, over
// its transition tables: under row-level security each call cost ~0.1 ms, 0.2 s of an Enron
// ingest's address moves. The marks are the same (tests/tie_triggers_test.cc).
const char* const kTieMarksPerStatement = R"sql(
DROP TRIGGER tie_address_changed ON address;
DROP TRIGGER tie_address_out ON address;
DROP TRIGGER tie_person_changed ON person;
DROP TRIGGER tie_person_out ON person;
DROP FUNCTION tie_address_changed(), tie_address_out(), tie_person_changed(), tie_person_out(),
  tie_mark_whole(BIGINT);

CREATE FUNCTION tie_address_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person, whole)
    SELECT DISTINCT v.person, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id,
      LATERAL (VALUES (o.person_id), (n.person_id)) AS v(person)
     WHERE o.person_id IS DISTINCT FROM n.person_id OR o.is_role IS DISTINCT FROM n.is_role
    ON CONFLICT (tenant_id, person) DO UPDATE SET whole = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_address_changed AFTER UPDATE ON address
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tie_address_changed();

CREATE FUNCTION tie_address_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person, whole) SELECT DISTINCT person_id, 1 FROM old_rows
    ON CONFLICT (tenant_id, person) DO UPDATE SET whole = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_address_out AFTER DELETE ON address
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tie_address_out();

CREATE FUNCTION tie_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person, whole)
    SELECT DISTINCT n.id, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
     WHERE o.kind IS DISTINCT FROM n.kind
    ON CONFLICT (tenant_id, person) DO UPDATE SET whole = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_person_changed AFTER UPDATE ON person
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tie_person_changed();

CREATE FUNCTION tie_person_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person, whole) SELECT DISTINCT id, 1 FROM old_rows
    ON CONFLICT (tenant_id, person) DO UPDATE SET whole = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_person_out AFTER DELETE ON person
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tie_person_out();
)sql";

// Migration 4: the statement triggers that look up a statement's meetings (or messages) and then
// their people are written to be planned as index look-ups per row of the transition table,
// whatever the table statistics say. PL/pgSQL plans a trigger's statement once per session: an
// ingest into a new store planned tie_attendee_in while its tables were empty, chose a scan of
// the tenant's whole address table and a hash join, and kept that plan as the tables grew (0.06
// -> 0.47 ms a call at 1M messages, 3.4 s of the ingest). A LATERAL subquery fenced by OFFSET 0
// is planned alone, with the outer row's key as a parameter, so it can only look the key up.
const char* const kTieMarksByLookup = R"sql(
CREATE OR REPLACE FUNCTION tie_participant_late() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person)
    SELECT DISTINCT a.person_id
      FROM (SELECT DISTINCT message FROM new_rows
             WHERE message <= (SELECT message FROM tie_watermark)) n,
           LATERAL (SELECT address FROM participant WHERE message = n.message OFFSET 0) t,
           LATERAL (SELECT person_id FROM address WHERE id = t.address OFFSET 0) a
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tie_participant_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person)
    SELECT DISTINCT a.person_id
      FROM (SELECT t.address
              FROM (SELECT DISTINCT message FROM old_rows) n,
                   LATERAL (SELECT address FROM participant WHERE message = n.message OFFSET 0) t
            UNION ALL SELECT address FROM old_rows) x,
           LATERAL (SELECT person_id FROM address WHERE id = x.address OFFSET 0) a
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tie_attendee_in() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person)
    SELECT DISTINCT a.person_id
      FROM (SELECT DISTINCT meeting FROM new_rows) n,
           LATERAL (SELECT address FROM meeting_attendee WHERE meeting = n.meeting
                    UNION ALL SELECT organizer_id FROM meeting WHERE id = n.meeting OFFSET 0) x,
           LATERAL (SELECT person_id FROM address WHERE id = x.address OFFSET 0) a
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tie_attendee_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person)
    SELECT DISTINCT a.person_id
      FROM (SELECT x.address
              FROM (SELECT DISTINCT meeting FROM old_rows) n,
                   LATERAL (SELECT address FROM meeting_attendee WHERE meeting = n.meeting
                            UNION ALL SELECT organizer_id FROM meeting WHERE id = n.meeting
                            OFFSET 0) x
            UNION ALL SELECT address FROM old_rows) y,
           LATERAL (SELECT person_id FROM address WHERE id = y.address OFFSET 0) a
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
)sql";

}  // namespace rapport::store
