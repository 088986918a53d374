-- The tie-index triggers (tie_index.h), one write at a time, on a fresh store: the same script
-- runs on SQLite and on PostgreSQL, and every SELECT must return the same rows on both.
-- Each step clears tie_stale, writes, then reads the step's label with the watermark and the
-- people marked. Plain SQL both databases take: explicit ids (PostgreSQL's identities never
-- reuse an id, SQLite's rowids may), every statement ends with ';' at the end of a line, no ';'
-- inside a statement. Fingerprints are text literals, which PostgreSQL reads as bytea.

-- Setup: a tenant, nine people, their addresses (5 is a role address: person 5 is a robot),
-- three messages, two meetings.
INSERT INTO tenant (id, name, created_at) VALUES (1, 'example', 0);
INSERT INTO person (id, tenant_id, kind, display_name) VALUES (1, 1, 'internal', 'Alice'), (2, 1, 'external', 'Bob'), (3, 1, 'external', 'Carol'), (4, 1, 'external', 'Dave'), (5, 1, 'external', ''), (6, 1, 'internal', 'Erin'), (7, 1, 'external', 'Frank'), (8, 1, 'guest', 'Gina');
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (1, 1, 'alice@example.com', 1, 'example.com', 0), (2, 1, 'bob@b.com', 2, 'b.com', 0), (3, 1, 'carol@c.com', 3, 'c.com', 0), (4, 1, 'dave@d.com', 4, 'd.com', 0), (5, 1, 'noreply@r.com', 5, 'r.com', 1), (6, 1, 'erin@example.com', 6, 'example.com', 0), (7, 1, 'frank@f.com', 7, 'f.com', 0), (8, 1, 'gina@g.com', 8, 'g.com', 0);
INSERT INTO source_file (id, tenant_id, location, kind) VALUES (1, 1, 'mbox', 'mbox');
INSERT INTO message (id, tenant_id, message_id, fingerprint, sent_at, utc_offset_min, sender_id, source, source_offset, ingested_at) VALUES (1, 1, '<1@x>', 'f1', 100, 0, 1, 1, 0, 0), (2, 1, '<2@x>', 'f2', 200, 0, 2, 1, 1, 0), (3, 1, '<3@x>', 'f3', 300, 0, 4, 1, 2, 0);
INSERT INTO participant (message, role, address) VALUES (1, 0, 1), (1, 1, 2), (1, 2, 3), (2, 0, 2), (2, 1, 1), (2, 1, 5), (3, 0, 4), (3, 1, 6);
INSERT INTO meeting (id, tenant_id, uid, occurrence_start, organizer_id, start_at, start_offset_min, end_at, all_day, cancelled, sequence, source, source_offset, ingested_at) VALUES (1, 1, 'g1', 0, 1, 1000, 0, 2000, 0, 0, 0, 1, 10, 0), (2, 1, 'g2', 0, NULL, 1000, 0, 2000, 0, 0, 0, 1, 11, 0);
INSERT INTO meeting_attendee (meeting, address, role, response) VALUES (1, 2, 1, 0), (1, 3, 1, 0), (2, 4, 1, 0), (2, 7, 1, 0);
SELECT 'setup', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;
UPDATE tie_watermark SET message = 3;

-- Participants of an indexed message (at or below the watermark): in SQLite the message writer
-- marks everyone in it, not a trigger (migration 27; tests/store_test.cc checks it), so only
-- PostgreSQL's trigger marks here, and these steps read the watermark alone.
DELETE FROM tie_stale;
INSERT INTO participant (message, role, address) VALUES (2, 2, 7);
SELECT 'late participant', message FROM tie_watermark;

-- Participants of a message above the watermark mark nobody.
DELETE FROM tie_stale;
INSERT INTO message (id, tenant_id, message_id, fingerprint, sent_at, utc_offset_min, sender_id, source, source_offset, ingested_at) VALUES (4, 1, '<4@x>', 'f4', 400, 0, 3, 1, 3, 0);
INSERT INTO participant (message, role, address) VALUES (4, 0, 3), (4, 1, 8);
SELECT 'new message', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- One statement, a new and a late message (message 3 is the watermark itself).
DELETE FROM tie_stale;
INSERT INTO participant (message, role, address) VALUES (4, 2, 6), (3, 2, 7);
SELECT 'late and new participants', message FROM tie_watermark;

-- A participant already stored, ignored, marks nobody.
DELETE FROM tie_stale;
INSERT INTO participant (message, role, address) VALUES (1, 1, 2) ON CONFLICT DO NOTHING;
SELECT 'participant ignored', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A participant removed marks the message's remaining people and its own.
DELETE FROM tie_stale;
DELETE FROM participant WHERE message = 1 AND address = 3;
SELECT 'participant out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- One statement removing participants of two messages.
DELETE FROM tie_stale;
DELETE FROM participant WHERE address = 7;
SELECT 'participants out of two messages', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Late participants copied by INSERT ... SELECT, those already there ignored (marked by the
-- writer in SQLite, as above).
DELETE FROM tie_stale;
INSERT INTO participant (message, role, address) SELECT message, 3, address FROM participant WHERE message = 3 UNION ALL SELECT 1, 1, 2 ON CONFLICT DO NOTHING;
SELECT 'late participants selected', message FROM tie_watermark;

-- Every participant of a message removed at once.
DELETE FROM tie_stale;
DELETE FROM participant WHERE message = 4;
SELECT 'all participants out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Message updates that change nothing the tie rows read mark nobody.
DELETE FROM tie_stale;
UPDATE message SET subject = 'hello' WHERE id = 1;
UPDATE message SET sent_at = sent_at, is_bulk = is_bulk, in_reply_to = in_reply_to;
SELECT 'message unchanged', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- In-Reply-To from none to one marks the message's people.
DELETE FROM tie_stale;
UPDATE message SET in_reply_to = '<1@x>' WHERE id = 2;
SELECT 'message in_reply_to', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- One statement updating two messages.
DELETE FROM tie_stale;
UPDATE message SET is_bulk = 1 WHERE id IN (1, 3);
SELECT 'messages is_bulk', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A mark leaves an earlier mark's whole flag as it was, either way.
DELETE FROM tie_stale;
INSERT INTO tie_stale (person, whole) VALUES (1, 0), (2, 1);
UPDATE message SET references_ids = '<0@x>' WHERE id = 1;
SELECT 'marks over marks', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A meeting with an organizer marks the organizer; one without marks nobody.
DELETE FROM tie_stale;
INSERT INTO meeting (id, tenant_id, uid, occurrence_start, organizer_id, start_at, start_offset_min, end_at, all_day, cancelled, sequence, source, source_offset, ingested_at) VALUES (3, 1, 'g3', 0, 6, 3000, 0, 4000, 0, 0, 0, 1, 12, 0), (4, 1, 'g4', 0, NULL, 3000, 0, 4000, 1, 0, 0, 1, 13, 0);
SELECT 'meetings in', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Attendees of two meetings in one statement (meeting 2 has no organizer).
DELETE FROM tie_stale;
INSERT INTO meeting_attendee (meeting, address, role, response) VALUES (3, 7, 1, 0), (3, 8, 1, 0), (2, 1, 1, 0);
SELECT 'attendees in', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- An attendee stored again as it is marks nobody.
DELETE FROM tie_stale;
INSERT INTO meeting_attendee (meeting, address, role, response) VALUES (1, 2, 1, 0) ON CONFLICT (meeting, address) DO UPDATE SET role = excluded.role, response = excluded.response;
SELECT 'attendee unchanged', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A changed response marks the meeting's people.
DELETE FROM tie_stale;
INSERT INTO meeting_attendee (meeting, address, role, response) VALUES (1, 2, 1, 2) ON CONFLICT (meeting, address) DO UPDATE SET role = excluded.role, response = excluded.response;
SELECT 'attendee response', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- An attendee moved to another meeting marks both meetings' people.
DELETE FROM tie_stale;
UPDATE meeting_attendee SET meeting = 2 WHERE meeting = 3 AND address = 8;
SELECT 'attendee moved', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- An attendee removed marks the meeting's remaining people, its organizer and the attendee.
DELETE FROM tie_stale;
DELETE FROM meeting_attendee WHERE meeting = 1 AND address = 3;
SELECT 'attendee out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Meeting updates that change nothing the tie rows read mark nobody.
DELETE FROM tie_stale;
UPDATE meeting SET sequence = 5 WHERE id = 1;
UPDATE meeting SET start_at = start_at, organizer_id = organizer_id;
SELECT 'meeting unchanged', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- An organizer where there was none.
DELETE FROM tie_stale;
UPDATE meeting SET organizer_id = 5 WHERE id = 2;
SELECT 'meeting organizer', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Every meeting cancelled in one statement.
DELETE FROM tie_stale;
UPDATE meeting SET cancelled = 1;
SELECT 'meetings cancelled', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A meeting deleted as the store does it, attendees first.
DELETE FROM tie_stale;
DELETE FROM meeting_attendee WHERE meeting = 3;
DELETE FROM meeting WHERE id = 3;
SELECT 'meeting out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- An address moved to another person marks both people whole.
DELETE FROM tie_stale;
UPDATE address SET person_id = 2 WHERE id = 3;
SELECT 'address moved', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Address updates that change neither person nor role mark nobody.
DELETE FROM tie_stale;
UPDATE address SET person_id = person_id, is_role = is_role;
UPDATE address SET org_domain = 'dd.com' WHERE id = 4;
SELECT 'address unchanged', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- An address becoming a role address turns a plain mark whole.
DELETE FROM tie_stale;
INSERT INTO tie_stale (person, whole) VALUES (4, 0);
UPDATE address SET is_role = 1 WHERE id = 4;
SELECT 'address is_role', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A first ordinary address for someone who had only role addresses (the robot is a person now).
DELETE FROM tie_stale;
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (9, 1, 'robert@r.com', 5, 'r.com', 0);
SELECT 'address added to a robot', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Other added addresses mark nobody: one more ordinary address, a role address, a new person's
-- first address.
DELETE FROM tie_stale;
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (10, 1, 'alice@home.net', 1, 'home.net', 0);
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (11, 1, 'info@example.com', 1, 'example.com', 1);
INSERT INTO person (id, tenant_id, kind, display_name) VALUES (9, 1, 'external', 'Hal');
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (12, 1, 'hal@h.com', 9, 'h.com', 0);
SELECT 'addresses added', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Several addresses in one statement: each sees the rows inserted before it, as in SQLite. Two
-- ordinary addresses for a robot mark it once; for a new person, a role address then an
-- ordinary one marks them (the ordinary one finds only a role address), the other way round not.
DELETE FROM tie_stale;
INSERT INTO person (id, tenant_id, kind, display_name) VALUES (10, 1, 'external', ''), (11, 1, 'external', 'Ivy'), (12, 1, 'external', 'Jo');
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (13, 1, 'alerts@s.com', 10, 's.com', 1);
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (14, 1, 'sam@s.com', 10, 's.com', 0), (15, 1, 'samuel@s.com', 10, 's.com', 0);
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (16, 1, 'info@i.com', 11, 'i.com', 1), (17, 1, 'ivy@i.com', 11, 'i.com', 0);
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (18, 1, 'jo@j.com', 12, 'j.com', 0), (19, 1, 'info@j.com', 12, 'j.com', 1);
SELECT 'addresses added together', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- An address an ON CONFLICT skipped marks nobody, though it would have turned a robot.
DELETE FROM tie_stale;
INSERT INTO person (id, tenant_id, kind, display_name) VALUES (13, 1, 'external', '');
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (20, 1, 'alerts@t.com', 13, 't.com', 1);
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (21, 1, 'alice@example.com', 13, 'example.com', 0) ON CONFLICT DO NOTHING;
SELECT 'address ignored', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A stored address came before a new one whatever their ids (PostgreSQL's ingest numbers rows
-- itself): a robot's stored role address with a larger id, then an ordinary one, marks it; and
-- in one statement, a role address with a larger id than the ordinary one does not.
DELETE FROM tie_stale;
INSERT INTO person (id, tenant_id, kind, display_name) VALUES (14, 1, 'external', ''), (15, 1, 'external', '');
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (41, 1, 'alerts@k.com', 14, 'k.com', 1);
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (40, 1, 'kim@k.com', 14, 'k.com', 0);
INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) VALUES (42, 1, 'lee@l.com', 15, 'l.com', 0), (43, 1, 'info@l.com', 15, 'l.com', 1);
SELECT 'stored address before', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- An address removed marks its person whole.
DELETE FROM tie_stale;
DELETE FROM address WHERE id = 10;
SELECT 'address out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A person's kind changed marks them whole; a new display name or the same kind marks nobody.
DELETE FROM tie_stale;
UPDATE person SET kind = 'internal' WHERE id = 2;
UPDATE person SET display_name = 'Carol C' WHERE id = 3;
UPDATE person SET kind = kind;
SELECT 'person kind', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A person deleted as the store does it, addresses first.
DELETE FROM tie_stale;
DELETE FROM address WHERE id = 12;
DELETE FROM person WHERE id = 9;
SELECT 'person out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A message deleted below the highest id leaves the watermark.
DELETE FROM tie_stale;
UPDATE tie_watermark SET message = 4;
DELETE FROM participant WHERE message = 2;
DELETE FROM message WHERE id = 2;
SELECT 'message out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- The highest message deleted lowers the watermark to the highest left.
DELETE FROM tie_stale;
DELETE FROM message WHERE id = 4;
SELECT 'last message out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- A delete that removes nothing leaves the watermark.
DELETE FROM tie_stale;
DELETE FROM message WHERE id = 99;
SELECT 'no message out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Every message deleted: the watermark is 0.
DELETE FROM tie_stale;
DELETE FROM participant;
DELETE FROM message;
SELECT 'all messages out', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;

-- Mail after that is new (what makes it late once the index reaches it is the writer's in SQLite).
DELETE FROM tie_stale;
INSERT INTO message (id, tenant_id, message_id, fingerprint, sent_at, utc_offset_min, sender_id, source, source_offset, ingested_at) VALUES (5, 1, '<5@x>', 'f5', 500, 0, 6, 1, 4, 0);
INSERT INTO participant (message, role, address) VALUES (5, 0, 6), (5, 1, 7);
UPDATE tie_watermark SET message = 5;
SELECT 'mail after a purge', message FROM tie_watermark;
SELECT person, whole FROM tie_stale ORDER BY person;
