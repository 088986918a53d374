#include "store/postgres/partitions.h"

namespace rapport::store {

// Why this shape (docs/scale.md "Monthly partitions"):
// - Each tenant has its own retention, so a month is a partition per tenant: RANGE over
//   (tenant_id, sent_at), and a tenant's reads are pruned to its own partitions.
// - A partition is made with CREATE TABLE (LIKE) and then ATTACH, which locks the parent in SHARE
//   UPDATE EXCLUSIVE mode: readers and other writers go on. CREATE TABLE ... PARTITION OF would
//   hold ACCESS EXCLUSIVE on the parent until the ingest commits.
// - Unique keys of a partitioned table must hold the partition key, and a look-up by Message-ID
//   would probe every month (106-123 ms for 1,000 ids over 36 months, against 8-13 ms): the keys
//   stay whole in message_key.
// - PostgreSQL 15 has no identity columns on partitioned tables: message.id takes its default
//   from a sequence the column owns, which pg_get_serial_sequence finds as it found the identity.
// - Every partition gets the tenant policy too: a partition named directly skips its parent's.
// - The rows move with row-level security not forced on the old tables, so that every tenant's
//   rows move, whatever the session chose; the new tables are forced after the move.
const char* const kMonthPartitions = R"sql(
CREATE FUNCTION rapport_month_start(at BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT extract(epoch FROM date_trunc('month', to_timestamp(at) AT TIME ZONE 'UTC'))::bigint $$;

CREATE FUNCTION rapport_month_partition(tenant BIGINT, month BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  first_day TIMESTAMP := to_timestamp(month) AT TIME ZONE 'UTC';
  suffix TEXT := tenant || '_' || to_char(first_day, 'YYYYMM');
  next_month BIGINT := extract(epoch FROM first_day + interval '1 month')::bigint;
  t TEXT;
BEGIN
  IF to_regclass('participant_' || suffix) IS NOT NULL THEN RETURN; END IF;
  PERFORM pg_advisory_xact_lock(8242266516549236);  -- partition makers take turns
  IF to_regclass('participant_' || suffix) IS NOT NULL THEN RETURN; END IF;
  FOREACH t IN ARRAY ARRAY['message', 'participant'] LOOP  -- participant last: it marks "made"
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                   t || '_' || suffix, t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY',
                   t || '_' || suffix);
    EXECUTE format('CREATE POLICY tenant_rows ON %I USING (tenant_id = (SELECT rapport_tenant()))',
                   t || '_' || suffix);
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%s, %s) TO (%s, %s)',
                   t, t || '_' || suffix, tenant, month, tenant, next_month);
  END LOOP;
END $$;

-- Drops the tenant's months that end at or before `cutoff`, marking their people stale first
-- (as tie_participant_out would have, row by row).
CREATE FUNCTION rapport_drop_months(tenant BIGINT, cutoff BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE suffix TEXT;
BEGIN
  FOR suffix IN
    SELECT substr(c.relname, length('participant_') + 1)
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'participant'::regclass
       AND c.relname LIKE 'participant\_' || tenant || '\_%' ORDER BY 1
  LOOP
    CONTINUE WHEN extract(epoch FROM to_date(right(suffix, 6), 'YYYYMM') + interval '1 month')
                  > cutoff;
    EXECUTE format('INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM %I p '
                   'JOIN address a ON a.tenant_id = p.tenant_id AND a.id = p.address '
                   'ON CONFLICT DO NOTHING', 'participant_' || suffix);
    EXECUTE format('DELETE FROM message_key k USING %I m '
                   'WHERE k.tenant_id = m.tenant_id AND k.id = m.id', 'message_' || suffix);
    EXECUTE format('DROP TABLE %I, %I', 'participant_' || suffix, 'message_' || suffix);
  END LOOP;
  UPDATE tie_watermark SET message = (SELECT coalesce(max(id), 0) FROM message)
    WHERE message > (SELECT coalesce(max(id), 0) FROM message);
END $$;

ALTER TABLE message RENAME TO message_v4;
ALTER TABLE message_v4 NO FORCE ROW LEVEL SECURITY;
ALTER TABLE participant RENAME TO participant_v4;
ALTER TABLE participant_v4 NO FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE message_number;
CREATE TABLE message (
  id             BIGINT NOT NULL DEFAULT nextval('message_number'),
  tenant_id      BIGINT NOT NULL,
  message_id     TEXT COLLATE "C" NOT NULL,
  fingerprint    BYTEA NOT NULL,
  sent_at        BIGINT NOT NULL,
  utc_offset_min BIGINT NOT NULL,
  sender_id      BIGINT NOT NULL,
  in_reply_to    TEXT COLLATE "C",
  references_ids TEXT COLLATE "C",
  list_id        TEXT COLLATE "C",
  precedence     TEXT COLLATE "C",
  auto_submitted TEXT COLLATE "C",
  is_bulk        BIGINT NOT NULL DEFAULT 0,
  subject        TEXT COLLATE "C",
  source         BIGINT NOT NULL,
  source_offset  BIGINT NOT NULL,
  ingested_at    BIGINT NOT NULL
) PARTITION BY RANGE (tenant_id, sent_at);
ALTER SEQUENCE message_number OWNED BY message.id;
SELECT setval('message_number', greatest(v, 1), v > 0)
  FROM (SELECT greatest(coalesce((SELECT max(id) FROM message_v4), 0),
                        coalesce(pg_sequence_last_value(pg_get_serial_sequence('message_v4', 'id')),
                                 0)) AS v) s;
CREATE TABLE participant (
  message   BIGINT NOT NULL,
  role      BIGINT NOT NULL CHECK (role BETWEEN 0 AND 3),
  address   BIGINT NOT NULL,
  tenant_id BIGINT NOT NULL DEFAULT rapport_tenant(),
  sent_at   BIGINT NOT NULL
) PARTITION BY RANGE (tenant_id, sent_at);
CREATE TABLE message_key (
  tenant_id   BIGINT NOT NULL,
  id          BIGINT NOT NULL,
  message_id  TEXT COLLATE "C" NOT NULL,
  fingerprint BYTEA NOT NULL,
  sent_at     BIGINT NOT NULL
);

DO $$
DECLARE r RECORD;
BEGIN
  FOR r IN SELECT DISTINCT tenant_id, rapport_month_start(sent_at) AS month FROM message_v4 LOOP
    PERFORM rapport_month_partition(r.tenant_id, r.month);
  END LOOP;
END $$;
INSERT INTO message SELECT id, tenant_id, message_id, fingerprint, sent_at, utc_offset_min,
  sender_id, in_reply_to, references_ids, list_id, precedence, auto_submitted, is_bulk, subject,
  source, source_offset, ingested_at FROM message_v4;
-- A participant row whose message is gone (none should be) would have no month: it goes.
INSERT INTO participant SELECT p.message, p.role, p.address, p.tenant_id, m.sent_at
  FROM participant_v4 p JOIN message_v4 m ON m.tenant_id = p.tenant_id AND m.id = p.message;
INSERT INTO message_key SELECT tenant_id, id, message_id, fingerprint, sent_at FROM message_v4;
DROP TABLE participant_v4, message_v4;

ALTER TABLE message ADD PRIMARY KEY (tenant_id, id, sent_at);
CREATE INDEX message_sent ON message (tenant_id, sent_at);
ALTER TABLE participant ADD PRIMARY KEY (tenant_id, message, role, address, sent_at);
CREATE INDEX participant_address ON participant (tenant_id, address);
ALTER TABLE message_key ADD PRIMARY KEY (tenant_id, id), ADD UNIQUE (tenant_id, message_id),
  ADD UNIQUE (tenant_id, fingerprint);
ALTER TABLE message_key ALTER COLUMN tenant_id SET DEFAULT rapport_tenant();

DO $$
DECLARE t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['message', 'participant', 'message_key'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_rows ON %I USING (tenant_id = (SELECT rapport_tenant()))',
                   t);
  END LOOP;
END $$;

-- message_key follows message. Deletes are few (retention's boundary month, a mailbox's removed
-- message): a look-up each, which PL/pgSQL cannot plan as a scan (tie_triggers.cc, migration 4).
CREATE FUNCTION message_key_in() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO message_key (tenant_id, id, message_id, fingerprint, sent_at)
    SELECT tenant_id, id, message_id, fingerprint, sent_at FROM new_rows;
  RETURN NULL;
END $$;
CREATE TRIGGER message_key_in AFTER INSERT ON message
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION message_key_in();
CREATE FUNCTION message_key_out() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r RECORD;
BEGIN
  FOR r IN SELECT tenant_id, id FROM old_rows LOOP
    DELETE FROM message_key WHERE tenant_id = r.tenant_id AND id = r.id;
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER message_key_out AFTER DELETE ON message
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION message_key_out();

-- The tie index's triggers, on the new tables; a participant's month prunes its look-ups.
CREATE TRIGGER tie_message_out AFTER DELETE ON message
  FOR EACH STATEMENT EXECUTE FUNCTION tie_message_out();
CREATE TRIGGER tie_message_changed AFTER UPDATE ON message FOR EACH ROW
  WHEN (OLD.message_id IS DISTINCT FROM NEW.message_id OR OLD.sent_at IS DISTINCT FROM NEW.sent_at
        OR OLD.is_bulk IS DISTINCT FROM NEW.is_bulk
        OR OLD.in_reply_to IS DISTINCT FROM NEW.in_reply_to
        OR OLD.references_ids IS DISTINCT FROM NEW.references_ids)
  EXECUTE FUNCTION tie_message_changed();
CREATE OR REPLACE FUNCTION tie_participant_late() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person)
    SELECT DISTINCT a.person_id
      FROM (SELECT DISTINCT message, sent_at FROM new_rows
             WHERE message <= (SELECT message FROM tie_watermark)) n,
           LATERAL (SELECT address FROM participant
                     WHERE message = n.message AND sent_at = n.sent_at OFFSET 0) t,
           LATERAL (SELECT person_id FROM address WHERE id = t.address OFFSET 0) a
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_participant_late AFTER INSERT ON participant
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tie_participant_late();
CREATE OR REPLACE FUNCTION tie_participant_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO tie_stale (person)
    SELECT DISTINCT a.person_id
      FROM (SELECT t.address
              FROM (SELECT DISTINCT message, sent_at FROM old_rows) n,
                   LATERAL (SELECT address FROM participant
                             WHERE message = n.message AND sent_at = n.sent_at OFFSET 0) t
            UNION ALL SELECT address FROM old_rows) x,
           LATERAL (SELECT person_id FROM address WHERE id = x.address OFFSET 0) a
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tie_participant_out AFTER DELETE ON participant
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tie_participant_out();
)sql";

}  // namespace rapport::store
