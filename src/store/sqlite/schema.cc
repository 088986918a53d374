#include "store/sqlite/schema.h"

#include "store/sqlite/message_keys.h"
#include "store/sqlite/tie_marks.h"

#include <algorithm>
#include <string>

namespace rapport::store {
namespace {

// Never edit a migration that has shipped; add a new one.
const char* const kMigrations[] = {
    // 1: tenants, people, messages (metadata only) with provenance, source files. (Not shipped
    // before meetings were added, so its source_file.kind was widened in place.)
    R"sql(
CREATE TABLE tenant (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  retention_days INTEGER NOT NULL DEFAULT 0 CHECK (retention_days >= 0),
  keep_subjects  INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);
CREATE TABLE tenant_domain (
  tenant_id INTEGER NOT NULL REFERENCES tenant(id),
  domain    TEXT NOT NULL,
  PRIMARY KEY (tenant_id, domain)
) WITHOUT ROWID;
CREATE TABLE person (
  id           INTEGER PRIMARY KEY,
  tenant_id    INTEGER NOT NULL REFERENCES tenant(id),
  kind         TEXT NOT NULL CHECK (kind IN ('internal', 'guest', 'external')),
  display_name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE address (
  id        INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenant(id),
  address   TEXT NOT NULL,
  person_id INTEGER NOT NULL REFERENCES person(id),
  UNIQUE (tenant_id, address)
);
-- A file mail was read from; a Maildir file by its name without the ":2,FLAGS" suffix.
-- finished_at is set, with the file's size and mtime, in the transaction that stores its last
-- message: an unchanged finished file is not read again.
CREATE TABLE source_file (
  id          INTEGER PRIMARY KEY,
  tenant_id   INTEGER NOT NULL REFERENCES tenant(id),
  location    TEXT NOT NULL,
  kind        TEXT NOT NULL,  -- maildir, mbox, eml, ics, graph, pst
  size        INTEGER,
  mtime_ns    INTEGER,
  finished_at INTEGER,
  UNIQUE (tenant_id, location)
);
-- message_id is the Message-ID of the first copy stored ("sha256:<fingerprint>" when it had
-- none); other copies' Message-IDs go to message_alias. references_ids: References, in order,
-- separated by spaces. source, source_offset, ingested_at: the provenance of the first copy;
-- other copies are in message_copy.
CREATE TABLE message (
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
CREATE TABLE message_alias (
  tenant_id  INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  message    INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
  PRIMARY KEY (tenant_id, message_id)
) WITHOUT ROWID;
CREATE TABLE participant (
  message INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
  role    INTEGER NOT NULL CHECK (role BETWEEN 0 AND 3),
  address INTEGER NOT NULL REFERENCES address(id),
  PRIMARY KEY (message, role, address)
) WITHOUT ROWID;
CREATE INDEX participant_address ON participant (address);
-- Further copies of a stored message: which file, where in it, when it was read.
CREATE TABLE message_copy (
  message     INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
  source      INTEGER NOT NULL REFERENCES source_file(id),
  offset      INTEGER NOT NULL,
  ingested_at INTEGER NOT NULL,
  PRIMARY KEY (message, source, offset)
) WITHOUT ROWID;
)sql",
    // 2: meetings (one row per occurrence) and the ids Microsoft Graph gives items.
    R"sql(
-- uid + occurrence_start identify an occurrence across invitation mail, .ics and Graph exports.
-- organizer_id is NULL when the source did not say. sequence: RFC 5545 SEQUENCE of what is
-- stored. source, source_offset, ingested_at: provenance of the first copy read.
CREATE TABLE meeting (
  id               INTEGER PRIMARY KEY,
  tenant_id        INTEGER NOT NULL REFERENCES tenant(id),
  uid              TEXT NOT NULL,
  occurrence_start INTEGER NOT NULL,
  organizer_id     INTEGER REFERENCES address(id),
  start_at         INTEGER NOT NULL,
  start_offset_min INTEGER NOT NULL,
  end_at           INTEGER NOT NULL,
  all_day          INTEGER NOT NULL,
  cancelled        INTEGER NOT NULL,
  sequence         INTEGER NOT NULL,
  source           INTEGER NOT NULL REFERENCES source_file(id),
  source_offset    INTEGER NOT NULL,
  ingested_at      INTEGER NOT NULL,
  UNIQUE (tenant_id, uid, occurrence_start)
);
CREATE INDEX meeting_start ON meeting (tenant_id, start_at);
-- role: 0 required, 1 optional, 2 chair, 3 non-participant. response: 0 none, 1 needs action,
-- 2 accepted, 3 tentative, 4 declined, 5 delegated (model::AttendeeRole / AttendeeResponse).
CREATE TABLE meeting_attendee (
  meeting  INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
  address  INTEGER NOT NULL REFERENCES address(id),
  role     INTEGER NOT NULL,
  response INTEGER NOT NULL,
  PRIMARY KEY (meeting, address)
) WITHOUT ROWID;
CREATE INDEX meeting_attendee_address ON meeting_attendee (address);
CREATE TABLE meeting_copy (
  meeting     INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
  source      INTEGER NOT NULL REFERENCES source_file(id),
  offset      INTEGER NOT NULL,
  ingested_at INTEGER NOT NULL,
  PRIMARY KEY (meeting, source, offset)
) WITHOUT ROWID;
-- The Graph "id" of a stored message or meeting, so that a delta query's @removed finds it.
CREATE TABLE graph_item (
  tenant_id INTEGER NOT NULL REFERENCES tenant(id),
  graph_id  TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('message', 'meeting')),
  item      INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, graph_id)
) WITHOUT ROWID;
)sql",
    // 3: accounts (customer companies) and what each address's domain says (SPEC §3).
    R"sql(
-- org_domain: the registrable domain of the address (mail.fabrikam.com -> fabrikam.com), ''
-- until resolved. is_role: a system or function address (noreply, postmaster, ...).
ALTER TABLE address ADD COLUMN org_domain TEXT NOT NULL DEFAULT '';
ALTER TABLE address ADD COLUMN is_role INTEGER NOT NULL DEFAULT 0;
CREATE INDEX address_org_domain ON address (tenant_id, org_domain);
-- origin: 'import' (rapport accounts import) or 'domain' (created from a company domain seen in
-- mail; free-mail and ISP domains never make one).
CREATE TABLE account (
  id        INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenant(id),
  name      TEXT NOT NULL,
  origin    TEXT NOT NULL CHECK (origin IN ('import', 'domain')),
  UNIQUE (tenant_id, name)
);
CREATE TABLE account_domain (
  tenant_id INTEGER NOT NULL REFERENCES tenant(id),
  domain    TEXT NOT NULL,
  account   INTEGER NOT NULL REFERENCES account(id),
  PRIMARY KEY (tenant_id, domain)
) WITHOUT ROWID;
)sql",
    // 4: the directory, what mail says about who an address is, and people resolved from both
    // (SPEC §3). person.kind and person.display_name are derived from these by ResolvePeople.
    R"sql(
ALTER TABLE tenant ADD COLUMN fold_plus_addresses INTEGER NOT NULL DEFAULT 0;
-- user_key: the Graph object id, or the primary address for a CSV import. manager: the
-- manager's user_key or address as imported, resolved when read.
CREATE TABLE directory_user (
  id           INTEGER PRIMARY KEY,
  tenant_id    INTEGER NOT NULL REFERENCES tenant(id),
  user_key     TEXT NOT NULL,
  address      INTEGER NOT NULL REFERENCES address(id),
  display_name TEXT NOT NULL DEFAULT '',
  department   TEXT NOT NULL DEFAULT '',
  manager      TEXT NOT NULL DEFAULT '',
  role         TEXT NOT NULL CHECK (role IN ('member', 'guest')),
  UNIQUE (tenant_id, user_key)
);
-- Every address of a directory user, the primary one included; an address has one owner.
CREATE TABLE directory_address (
  address INTEGER PRIMARY KEY REFERENCES address(id),
  user    INTEGER NOT NULL REFERENCES directory_user(id)
);
CREATE INDEX directory_address_user ON directory_address (user);
CREATE TABLE directory_group (
  id        INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenant(id),
  group_key TEXT NOT NULL,
  name      TEXT NOT NULL,
  address   INTEGER REFERENCES address(id),
  UNIQUE (tenant_id, group_key)
);
CREATE TABLE group_member (
  group_id INTEGER NOT NULL REFERENCES directory_group(id),
  user     INTEGER NOT NULL REFERENCES directory_user(id),
  PRIMARY KEY (group_id, user)
) WITHOUT ROWID;
-- Mail's own evidence that two addresses are one mailbox (an Exchange export's X.500 DN next to
-- the SMTP address it stands for); low < high.
CREATE TABLE address_link (
  low  INTEGER NOT NULL REFERENCES address(id),
  high INTEGER NOT NULL REFERENCES address(id),
  PRIMARY KEY (low, high)
) WITHOUT ROWID;
-- Display names an address was written with, how often, and their NameKey for look-ups.
CREATE TABLE address_name (
  address  INTEGER NOT NULL REFERENCES address(id),
  name     TEXT NOT NULL,
  name_key TEXT NOT NULL,
  seen     INTEGER NOT NULL,
  PRIMARY KEY (address, name)
) WITHOUT ROWID;
CREATE INDEX address_name_key ON address_name (name_key);
CREATE INDEX address_person ON address (person_id);
)sql",
    // 5: consent (SPEC §1-§2): tenant admins, and the hash-chained ledgers. A ledger row is never
    // updated or deleted; the consent layer computes and checks the chain.
    R"sql(
CREATE TABLE tenant_admin (
  tenant_id INTEGER NOT NULL REFERENCES tenant(id),
  address   TEXT NOT NULL,
  PRIMARY KEY (tenant_id, address)
) WITHOUT ROWID;
-- ledger: 'consent' (grants and revokes) or 'audit' (every policy decision). seq counts from 1
-- per ledger; entry is the event as canonical JSON; hash = SHA-256(prev_hash || entry), hex.
CREATE TABLE ledger_entry (
  tenant_id INTEGER NOT NULL REFERENCES tenant(id),
  ledger    TEXT NOT NULL CHECK (ledger IN ('consent', 'audit')),
  seq       INTEGER NOT NULL,
  entry     TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL,
  PRIMARY KEY (tenant_id, ledger, seq)
) WITHOUT ROWID;
)sql",
    // 6: tenant settings and opt-outs. An opt-out remembers a keyed hash of the address (SPEC §1),
    // never the address.
    R"sql(
CREATE TABLE tenant_setting (
  tenant_id INTEGER NOT NULL REFERENCES tenant(id),
  name      TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, name)
) WITHOUT ROWID;
CREATE TABLE optout (
  tenant_id    INTEGER NOT NULL REFERENCES tenant(id),
  address_hash TEXT NOT NULL,
  scope        TEXT NOT NULL CHECK (scope IN ('identifiable', 'all')),
  at           INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, address_hash)
) WITHOUT ROWID;
)sql",
    R"sql(
-- Insights read a person's meetings by organiser as well as by attendee.
CREATE INDEX meeting_organizer ON meeting (organizer_id);
)sql",
    R"sql(
-- A person's addresses within the tenant (every insight and policy decision looks them up), and
-- an account's domains.
CREATE INDEX address_tenant_person ON address (tenant_id, person_id, address);
CREATE INDEX account_domain_account ON account_domain (account);
)sql",
    // 9: the budget ledger (SPEC §4.5): each release of account engagement and the epsilon it
    // charged. Rows are only added; a purge leaves them (they say what was released, not mail).
    R"sql(
-- request_key: the canonical request, so that asking again finds the release and costs nothing.
-- epsilon_micro: millionths of epsilon; delta as printed; body: what was released, JSON.
CREATE TABLE privacy_release (
  id            INTEGER PRIMARY KEY,
  tenant_id     INTEGER NOT NULL REFERENCES tenant(id),
  request_key   TEXT NOT NULL,
  requested_by  TEXT NOT NULL,
  released_at   INTEGER NOT NULL,
  epsilon_micro INTEGER NOT NULL CHECK (epsilon_micro > 0),
  delta         TEXT NOT NULL,
  rows          INTEGER NOT NULL,
  body          TEXT NOT NULL,
  UNIQUE (tenant_id, request_key)
);
CREATE INDEX privacy_release_released ON privacy_release (tenant_id, released_at);
)sql",
    // 10: personal access tokens (`rapport token`). Only a keyed hash of each token is kept; a
    // purge leaves them (credentials, not collected data).
    R"sql(
-- token_hash: hex HMAC-SHA256 of the token under the tenant setting token_hash_key.
-- user: the principal's address; times in UTC seconds, expires_at / revoked_at NULL when not.
CREATE TABLE access_token (
  id          INTEGER PRIMARY KEY,
  tenant_id   INTEGER NOT NULL REFERENCES tenant(id),
  token_hash  TEXT NOT NULL,
  user        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER,
  revoked_at  INTEGER,
  UNIQUE (tenant_id, token_hash)
);
)sql",
    // 11: the budget ledger per month of data (SPEC §4.5, issue 16): what each release cost every
    // calendar month it read, in zCDP rho and partition-selection delta. Releases made before
    // this version were (epsilon, delta)-DP over their whole range and are charged to every month
    // of it: epsilon-DP is epsilon^2/2-zCDP (Bun and Steinke 2016), rounded up.
    R"sql(
-- month: the month's first second in the tenant's time zone, as civil seconds.
-- rho_nano: zCDP rho x 10^9; delta_atto: delta x 10^18.
CREATE TABLE privacy_charge (
  tenant_id  INTEGER NOT NULL REFERENCES tenant(id),
  release    INTEGER NOT NULL REFERENCES privacy_release(id),
  month      INTEGER NOT NULL,
  rho_nano   INTEGER NOT NULL CHECK (rho_nano >= 0),
  delta_atto INTEGER NOT NULL CHECK (delta_atto >= 0),
  PRIMARY KEY (release, month)
) WITHOUT ROWID;
CREATE INDEX privacy_charge_month ON privacy_charge (tenant_id, month);
INSERT INTO privacy_charge (tenant_id, release, month, rho_nano, delta_atto)
WITH RECURSIVE old (tenant_id, release, month, until, rho, delta) AS (
  SELECT tenant_id, id, unixepoch(json_extract(body, '$.from'), 'unixepoch', 'start of month'),
         json_extract(body, '$.to'),
         CAST(0.5 * epsilon_micro * epsilon_micro / 1000.0 + 1 AS INTEGER),
         CAST(json_extract(body, '$.delta') * 1e18 + 1 AS INTEGER)
  FROM privacy_release WHERE json_valid(body)
  UNION ALL
  SELECT tenant_id, release, unixepoch(month, 'unixepoch', '+1 month'), until, rho, delta
  FROM old WHERE unixepoch(month, 'unixepoch', '+1 month') < until
)
SELECT tenant_id, release, month, rho, delta FROM old;
)sql",
    // 12: live mailbox sources (rapport connect, rapport sync; issue 17).
    R"sql(
-- config: the connection's settings as JSON. Secrets are never here, only the path of the file
-- that holds one. last_error: "" after a clean sync.
CREATE TABLE sync_source (
  id           INTEGER PRIMARY KEY,
  tenant_id    INTEGER NOT NULL REFERENCES tenant(id),
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('imap', 'graph')),
  config       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_sync_at INTEGER,
  last_error   TEXT NOT NULL DEFAULT '',
  UNIQUE (tenant_id, name)
);
-- Where one folder of a source stands (IMAP: UIDVALIDITY, last UID, HIGHESTMODSEQ; Graph: the
-- delta link), written in the transaction of the items it covers.
CREATE TABLE sync_cursor (
  source INTEGER NOT NULL REFERENCES sync_source(id),
  folder TEXT NOT NULL,
  cursor TEXT NOT NULL,
  PRIMARY KEY (source, folder)
) WITHOUT ROWID;
-- The stored message behind each item of a live mailbox folder (source_file: the folder at one
-- UIDVALIDITY; offset: the UID), so that an expunge finds the copy it removes.
CREATE TABLE mailbox_item (
  source  INTEGER NOT NULL REFERENCES source_file(id),
  offset  INTEGER NOT NULL,
  message INTEGER NOT NULL REFERENCES message(id),
  PRIMARY KEY (source, offset)
) WITHOUT ROWID;
CREATE INDEX mailbox_item_message ON mailbox_item (message);
)sql",
    // 13: live calendars (rapport sync of Graph calendarView delta).
    R"sql(
-- The stored meeting behind each event of a live calendar (source_file: one user's calendar;
-- offset: a hash of the Graph event id), so that a deletion finds the copy it removes and a
-- change finds the occurrence it moves.
CREATE TABLE calendar_item (
  source  INTEGER NOT NULL REFERENCES source_file(id),
  offset  INTEGER NOT NULL,
  meeting INTEGER NOT NULL REFERENCES meeting(id),
  PRIMARY KEY (source, offset)
) WITHOUT ROWID;
CREATE INDEX calendar_item_meeting ON calendar_item (meeting);
)sql",
    // 14: dashboard sign-ins are access tokens of their own kind (sent only as a cookie).
    R"sql(
ALTER TABLE access_token ADD COLUMN kind TEXT NOT NULL DEFAULT 'token'
  CHECK (kind IN ('token', 'session'));
)sql",
    // 15: where the data ends ("data up to", the insights' default as-of) without a scan.
    R"sql(
CREATE INDEX message_sent ON message (tenant_id, sent_at);
)sql",
    // 16: a colleague's job title from the directory, shown beside their name.
    R"sql(
ALTER TABLE directory_user ADD COLUMN job_title TEXT NOT NULL DEFAULT '';
)sql",
    // 17: the tie index (rapport/store/tie_index.h, docs/tie-index.md): each external contact's
    // interactions with colleagues, and the marks that say whose rows are stale. The triggers
    // mark; Refresh recomputes and clears. Every existing person starts stale.
    R"sql(
CREATE TABLE tie (
  contact      INTEGER NOT NULL,
  colleague    INTEGER NOT NULL,
  at           INTEGER NOT NULL,
  fact         INTEGER NOT NULL,
  participants INTEGER NOT NULL,
  n            INTEGER NOT NULL,
  PRIMARY KEY (contact, colleague, at, fact, participants)
) WITHOUT ROWID;
-- whole = 0: the person's own rows (as a contact) are stale; 1: also those of everyone who shared
-- mail or a meeting with them (their kind, role flag or addresses changed).
CREATE TABLE tie_stale (
  person INTEGER PRIMARY KEY,
  whole  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tie_stale_whole ON tie_stale (person) WHERE whole = 1;
-- The highest message id the index has seen: the people of messages above it are marked by the
-- next refresh, and a participant added to a message at or below it (a Bcc seen later) changes
-- everyone's rows for that message.
CREATE TABLE tie_watermark (message INTEGER NOT NULL);
INSERT INTO tie_watermark VALUES (0);
-- Trigger bodies never conflict (they insert only people not yet marked): a conflict clause
-- inside a trigger is overridden by the outer statement's (an upsert, INSERT OR IGNORE).
-- New messages (ids above the watermark) need no trigger: Refresh marks their people in one
-- pass, and Fresh says nothing is fresh while there are any. A deleted top message must not
-- let a new one reuse its id below the watermark.
CREATE TRIGGER tie_message_out AFTER DELETE ON message BEGIN
  UPDATE tie_watermark SET message = (SELECT coalesce(max(id), 0) FROM message)
    WHERE message > (SELECT coalesce(max(id), 0) FROM message);
END;
CREATE TRIGGER tie_participant_late AFTER INSERT ON participant
WHEN NEW.message <= (SELECT message FROM tie_watermark) BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM participant t
    JOIN address a ON a.id = t.address WHERE t.message = NEW.message
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_participant_out AFTER DELETE ON participant BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM participant WHERE message = OLD.message
                   UNION SELECT OLD.address)
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_message_changed
AFTER UPDATE OF message_id, sent_at, is_bulk, in_reply_to, references_ids ON message BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM participant t
    JOIN address a ON a.id = t.address WHERE t.message = NEW.id
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_attendee_in AFTER INSERT ON meeting_attendee BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee WHERE meeting = NEW.meeting
                   UNION SELECT organizer_id FROM meeting WHERE id = NEW.meeting)
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_attendee_out AFTER DELETE ON meeting_attendee BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee WHERE meeting = OLD.meeting
                   UNION SELECT organizer_id FROM meeting WHERE id = OLD.meeting
                   UNION SELECT OLD.address)
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_attendee_changed AFTER UPDATE ON meeting_attendee BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee WHERE meeting = NEW.meeting
                   UNION SELECT organizer_id FROM meeting WHERE id = NEW.meeting
                   UNION SELECT OLD.address)
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_meeting_in AFTER INSERT ON meeting WHEN NEW.organizer_id IS NOT NULL BEGIN
  INSERT INTO tie_stale (person) SELECT person_id FROM address WHERE id = NEW.organizer_id
    AND person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_meeting_out AFTER DELETE ON meeting BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee WHERE meeting = OLD.id
                   UNION SELECT OLD.organizer_id)
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_meeting_changed
AFTER UPDATE OF organizer_id, start_at, end_at, all_day, cancelled ON meeting BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee WHERE meeting = NEW.id
                   UNION SELECT OLD.organizer_id UNION SELECT NEW.organizer_id)
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_address_changed AFTER UPDATE OF person_id, is_role ON address
WHEN OLD.person_id IS NOT NEW.person_id OR OLD.is_role IS NOT NEW.is_role BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person = OLD.person_id;
  INSERT INTO tie_stale (person, whole) SELECT OLD.person_id, 1
    WHERE OLD.person_id NOT IN (SELECT person FROM tie_stale);
  UPDATE tie_stale SET whole = 1 WHERE person = NEW.person_id;
  INSERT INTO tie_stale (person, whole) SELECT NEW.person_id, 1
    WHERE NEW.person_id NOT IN (SELECT person FROM tie_stale);
END;
-- An address added to someone who had only role addresses makes them a person (min(is_role));
-- any other added address changes nothing the rows hold.
CREATE TRIGGER tie_address_added AFTER INSERT ON address
WHEN NEW.is_role = 0
  AND EXISTS (SELECT 1 FROM address WHERE person_id = NEW.person_id AND id <> NEW.id)
  AND NOT EXISTS (SELECT 1 FROM address WHERE person_id = NEW.person_id AND id <> NEW.id
                  AND is_role = 0) BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person = NEW.person_id;
  INSERT INTO tie_stale (person, whole) SELECT NEW.person_id, 1
    WHERE NEW.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_address_out AFTER DELETE ON address BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person = OLD.person_id;
  INSERT INTO tie_stale (person, whole) SELECT OLD.person_id, 1
    WHERE OLD.person_id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_person_changed AFTER UPDATE OF kind ON person
WHEN OLD.kind IS NOT NEW.kind BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person = NEW.id;
  INSERT INTO tie_stale (person, whole) SELECT NEW.id, 1
    WHERE NEW.id NOT IN (SELECT person FROM tie_stale);
END;
CREATE TRIGGER tie_person_out AFTER DELETE ON person BEGIN
  UPDATE tie_stale SET whole = 1 WHERE person = OLD.id;
  INSERT INTO tie_stale (person, whole) SELECT OLD.id, 1
    WHERE OLD.id NOT IN (SELECT person FROM tie_stale);
END;
INSERT INTO tie_stale (person) SELECT id FROM person;
)sql",
    // 18: people whose only change since the last refresh is mail stored after `since` (a
    // message id): their rows are extended with that mail instead of recomputed from all of it,
    // so a refresh after an ingest costs what the ingest added, not what the store holds.
    R"sql(
CREATE TABLE tie_pending (
  person INTEGER PRIMARY KEY,
  since  INTEGER NOT NULL
);
)sql",
    // 19: an update that changes nothing marks nobody. Storing an invitation e-mail re-stores the
    // meeting it carries (an upsert of every attendee, an update of the meeting), which had marked
    // everyone in the meeting for recomputation from all their mail on every ingest.
    R"sql(
DROP TRIGGER tie_attendee_changed;
CREATE TRIGGER tie_attendee_changed AFTER UPDATE ON meeting_attendee
WHEN OLD.meeting IS NOT NEW.meeting OR OLD.address IS NOT NEW.address
  OR OLD.role IS NOT NEW.role OR OLD.response IS NOT NEW.response BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee WHERE meeting IN (OLD.meeting, NEW.meeting)
                   UNION SELECT organizer_id FROM meeting WHERE id IN (OLD.meeting, NEW.meeting)
                   UNION SELECT OLD.address)
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
DROP TRIGGER tie_meeting_changed;
CREATE TRIGGER tie_meeting_changed
AFTER UPDATE OF organizer_id, start_at, end_at, all_day, cancelled ON meeting
WHEN OLD.organizer_id IS NOT NEW.organizer_id OR OLD.start_at IS NOT NEW.start_at
  OR OLD.end_at IS NOT NEW.end_at OR OLD.all_day IS NOT NEW.all_day
  OR OLD.cancelled IS NOT NEW.cancelled BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM address a
    WHERE a.id IN (SELECT address FROM meeting_attendee WHERE meeting = NEW.id
                   UNION SELECT OLD.organizer_id UNION SELECT NEW.organizer_id)
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
DROP TRIGGER tie_message_changed;
CREATE TRIGGER tie_message_changed
AFTER UPDATE OF message_id, sent_at, is_bulk, in_reply_to, references_ids ON message
WHEN OLD.message_id IS NOT NEW.message_id OR OLD.sent_at IS NOT NEW.sent_at
  OR OLD.is_bulk IS NOT NEW.is_bulk OR OLD.in_reply_to IS NOT NEW.in_reply_to
  OR OLD.references_ids IS NOT NEW.references_ids BEGIN
  INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM participant t
    JOIN address a ON a.id = t.address WHERE t.message = NEW.id
    AND a.person_id NOT IN (SELECT person FROM tie_stale);
END;
)sql",
    // 20: no column is named by a word PostgreSQL reserves (`user`, `offset`), so that one body of
    // SQL serves both databases unquoted.
    R"sql(
ALTER TABLE directory_address RENAME COLUMN user TO directory_user;
ALTER TABLE group_member RENAME COLUMN user TO member;
ALTER TABLE access_token RENAME COLUMN user TO owner;
ALTER TABLE message_copy RENAME COLUMN offset TO source_offset;
ALTER TABLE meeting_copy RENAME COLUMN offset TO source_offset;
ALTER TABLE mailbox_item RENAME COLUMN offset TO source_offset;
ALTER TABLE calendar_item RENAME COLUMN offset TO source_offset;
)sql",
    // 21: the tie index's marks, each an upsert (sqlite/tie_marks.h says why).
    kTieMarksAsUpserts,
    // 22: a token that changes whenever a refresh writes tie rows, so that what is derived from
    // rows can be kept between requests while it holds (insights/wkw_history_cache.h). Random,
    // so that two stores never share one.
    R"sql(
ALTER TABLE tie_watermark ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE tie_watermark SET version = random();
)sql",
    // 23: a participant carries its message's time, and the index that finds a person's mail is
    // by address and time, so that a window of a long history (`rapport me`, relationship
    // analytics) reads only the window's messages. PostgreSQL's participants carry it already.
    R"sql(
ALTER TABLE participant ADD COLUMN sent_at INTEGER NOT NULL DEFAULT 0;
UPDATE participant SET sent_at = (SELECT sent_at FROM message WHERE id = participant.message);
DROP INDEX participant_address;
CREATE INDEX participant_address ON participant (address, sent_at);
CREATE TRIGGER participant_sent_at AFTER UPDATE OF sent_at ON message
WHEN OLD.sent_at IS NOT NEW.sent_at BEGIN
  UPDATE participant SET sent_at = NEW.sent_at WHERE message = NEW.id;
END;
)sql",
    // 24: a colleague's rows of the tie index, found without a scan (`rapport me`: the caller's
    // ties).
    "CREATE INDEX tie_colleague ON tie (colleague, contact);",
    // 25: an account found by its name in any case (Store::FindAccount) without reading every
    // account: half of Who Knows Whom's time for an account among 3,000 (BENCHMARKS.md).
    "CREATE INDEX account_name_key ON account (tenant_id, lower(name));",
    // 26: message's content key led by time, replacing message_sent (sqlite/message_keys.h).
    kMessageKeyedByTime,
    // 27: the writer marks the people of a stored message that gains participants (a later
    // copy's Bcc) itself, once per flush (SqlMessageWriter::WriteParticipants): this trigger's
    // WHEN ran for every participant row ingested: 6.7 s of the tenth million of a 10M ingest.
    "DROP TRIGGER tie_participant_late;",
};

constexpr int kLatest = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

}  // namespace

int LatestSchemaVersion() {
  return kLatest;
}

Status MigrateSchema(SqliteDb& db, int up_to) {
  const int last = up_to < 0 ? kLatest : std::min(up_to, kLatest);
  auto version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version > kLatest) {
    return Status::FailedPrecondition("store schema version " + std::to_string(*version) +
                                      " is newer than this rapport (" + std::to_string(kLatest) +
                                      "); upgrade rapport");
  }
  if (*version >= last) return Status::Ok();  // the usual open: no write lock taken
  for (;;) {
    RAPPORT_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    // Read under the write lock: after an upgrade, serve and sync start at once, and the one
    // that waited must not run a migration the other has just made.
    version = db.QueryInt("PRAGMA user_version");
    Status st = version.status();
    const bool done = st.ok() && *version >= last;
    if (st.ok() && !done) {
      st = db.Exec(kMigrations[*version]);
      if (st.ok()) st = db.Exec("PRAGMA user_version = " + std::to_string(*version + 1));
    }
    if (!st.ok()) {
      (void)db.Exec("ROLLBACK");
      return st;
    }
    RAPPORT_RETURN_IF_ERROR(db.Exec("COMMIT"));
    if (done) break;
  }
  return Status::Ok();
}

}  // namespace rapport::store
