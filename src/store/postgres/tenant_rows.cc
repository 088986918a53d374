#include "store/postgres/tenant_rows.h"

namespace rapport::store {

// rapport_tenant() is the session's chosen tenant (NULL before it chooses). The policies compare
// with `(SELECT rapport_tenant())`, which PostgreSQL evaluates once a statement (an InitPlan) and
// can use as an index condition on the tenant-led keys: called bare, it ran per row, and reading
// the setting for each of a scan's rows doubled Who Knows Whom's tie read. The tables that lacked
// the column take the store's one tenant (this migration runs on stores that hold at most one),
// then default to the session's. Before the policies, a session that has chosen no tenant would
// write rows nobody owns: with them, it sees nothing and writes nothing, and the NOT NULL default
// refuses such a row outright.
const char* const kTenantRows = R"sql(
CREATE FUNCTION rapport_tenant() RETURNS BIGINT LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('rapport.tenant_id', true), '')::bigint $$;
CREATE FUNCTION rapport_tenant_name() RETURNS TEXT LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('rapport.tenant', true), '') $$;

DO $$
DECLARE
  one_tenant BIGINT := coalesce((SELECT min(id) FROM tenant), 0);
  t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['participant', 'message_copy', 'meeting_attendee', 'meeting_copy',
      'directory_address', 'group_member', 'address_link', 'address_name', 'sync_cursor',
      'mailbox_item', 'calendar_item', 'tie', 'tie_stale', 'tie_pending', 'tie_watermark'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN tenant_id BIGINT NOT NULL DEFAULT %s', t,
                   one_tenant);
    EXECUTE format('ALTER TABLE %I ALTER COLUMN tenant_id SET DEFAULT rapport_tenant()', t);
  END LOOP;
END $$;
DELETE FROM tie_watermark WHERE tenant_id = 0;

ALTER TABLE person DROP CONSTRAINT person_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE address DROP CONSTRAINT address_pkey, ADD PRIMARY KEY (tenant_id, id);
DROP INDEX address_person;  -- address_tenant_person (tenant_id, person_id, address) serves
ALTER TABLE source_file DROP CONSTRAINT source_file_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE message DROP CONSTRAINT message_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE participant DROP CONSTRAINT participant_pkey,
  ADD PRIMARY KEY (tenant_id, message, role, address);
DROP INDEX participant_address;
CREATE INDEX participant_address ON participant (tenant_id, address);
ALTER TABLE message_copy DROP CONSTRAINT message_copy_pkey,
  ADD PRIMARY KEY (tenant_id, message, source, source_offset);
ALTER TABLE meeting DROP CONSTRAINT meeting_pkey, ADD PRIMARY KEY (tenant_id, id);
DROP INDEX meeting_organizer;
CREATE INDEX meeting_organizer ON meeting (tenant_id, organizer_id);
ALTER TABLE meeting_attendee DROP CONSTRAINT meeting_attendee_pkey,
  ADD PRIMARY KEY (tenant_id, meeting, address);
DROP INDEX meeting_attendee_address;
CREATE INDEX meeting_attendee_address ON meeting_attendee (tenant_id, address);
ALTER TABLE meeting_copy DROP CONSTRAINT meeting_copy_pkey,
  ADD PRIMARY KEY (tenant_id, meeting, source, source_offset);
ALTER TABLE account DROP CONSTRAINT account_pkey, ADD PRIMARY KEY (tenant_id, id);
DROP INDEX account_domain_account;
CREATE INDEX account_domain_account ON account_domain (tenant_id, account);
ALTER TABLE directory_user DROP CONSTRAINT directory_user_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE directory_address DROP CONSTRAINT directory_address_pkey,
  ADD PRIMARY KEY (tenant_id, address);
DROP INDEX directory_address_user;
CREATE INDEX directory_address_user ON directory_address (tenant_id, directory_user);
ALTER TABLE directory_group DROP CONSTRAINT directory_group_pkey,
  ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE group_member DROP CONSTRAINT group_member_pkey,
  ADD PRIMARY KEY (tenant_id, group_id, member);
ALTER TABLE address_link DROP CONSTRAINT address_link_pkey, ADD PRIMARY KEY (tenant_id, low, high);
ALTER TABLE address_name DROP CONSTRAINT address_name_pkey,
  ADD PRIMARY KEY (tenant_id, address, name);
DROP INDEX address_name_key;
CREATE INDEX address_name_key ON address_name (tenant_id, name_key);
ALTER TABLE privacy_release DROP CONSTRAINT privacy_release_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE privacy_charge DROP CONSTRAINT privacy_charge_pkey,
  ADD PRIMARY KEY (tenant_id, release, month);
ALTER TABLE access_token DROP CONSTRAINT access_token_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE sync_source DROP CONSTRAINT sync_source_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE sync_cursor DROP CONSTRAINT sync_cursor_pkey,
  ADD PRIMARY KEY (tenant_id, source, folder);
ALTER TABLE mailbox_item DROP CONSTRAINT mailbox_item_pkey,
  ADD PRIMARY KEY (tenant_id, source, source_offset);
DROP INDEX mailbox_item_message;
CREATE INDEX mailbox_item_message ON mailbox_item (tenant_id, message);
ALTER TABLE calendar_item DROP CONSTRAINT calendar_item_pkey,
  ADD PRIMARY KEY (tenant_id, source, source_offset);
DROP INDEX calendar_item_meeting;
CREATE INDEX calendar_item_meeting ON calendar_item (tenant_id, meeting);
ALTER TABLE tie DROP CONSTRAINT tie_pkey,
  ADD PRIMARY KEY (tenant_id, contact, colleague, at, fact, participants);
ALTER TABLE tie_stale DROP CONSTRAINT tie_stale_pkey, ADD PRIMARY KEY (tenant_id, person);
DROP INDEX tie_stale_whole;
CREATE INDEX tie_stale_whole ON tie_stale (tenant_id, person) WHERE whole = 1;
ALTER TABLE tie_pending DROP CONSTRAINT tie_pending_pkey, ADD PRIMARY KEY (tenant_id, person);
ALTER TABLE tie_watermark ADD PRIMARY KEY (tenant_id);

DO $$
DECLARE t TEXT;
BEGIN
  FOR t IN SELECT table_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND column_name = 'tenant_id' LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_rows ON %I USING (tenant_id = (SELECT rapport_tenant()))',
                   t);
  END LOOP;
END $$;
-- A session that has chosen no tenant sees the tenants it may choose, and makes one (init).
ALTER TABLE tenant ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tenant USING (
  id = (SELECT rapport_tenant()) OR
  ((SELECT rapport_tenant()) IS NULL AND
   ((SELECT rapport_tenant_name()) IS NULL OR name = (SELECT rapport_tenant_name()))));
)sql";

Status CheckSubjectToRowSecurity(SqlConnection& db, const std::string& where) {
  auto bypass = db.QueryInt(
      "SELECT (rolsuper OR rolbypassrls)::int FROM pg_roles WHERE rolname = current_user");
  if (!bypass.ok()) return bypass.status();
  if (*bypass == 0) return Status::Ok();
  return Status::FailedPrecondition(
      "the database at " + where +
      " is reached as a role that bypasses row-level security (a superuser), which would see "
      "every tenant's rows; connect as the role that owns the database instead (createuser "
      "rapport; createdb -O rapport rapport: docs/deploy.md)");
}

Status ChooseTenant(SqlConnection& db, const std::string& where) {
  auto unnamed_among_several = db.QueryInt(
      "SELECT (rapport_tenant_name() IS NULL AND (SELECT count(*) FROM tenant) > 1)::int");
  if (!unnamed_among_several.ok()) return unnamed_among_several.status();
  if (*unnamed_among_several) {
    return Status::FailedPrecondition(
        "the database at " + where +
        " holds several tenants; name one in the URL with ?options=-c%20rapport.tenant%3DNAME "
        "(docs/deploy.md)");
  }
  // The tenant policy shows only the named tenant, or every tenant when none is named.
  return db.Exec(
      "SELECT set_config('rapport.tenant_id', coalesce((SELECT min(id) FROM tenant)::text, ''), "
      "false)");
}

Status CheckNewTenant(SqlConnection& db, const std::string& name) {
  std::string named;
  RAPPORT_RETURN_IF_ERROR(ForEachRow(db, "SELECT coalesce(rapport_tenant_name(), '')",
                                     [&](SqlStatement& row) { named = row.ColumnText(0); }));
  if (named.empty() || named == name) return Status::Ok();
  return Status::InvalidArgument("the database URL names tenant \"" + named +
                                 "\" (rapport.tenant), but init was asked to make \"" + name +
                                 "\"; give init the same name with --tenant, or change the URL");
}

Status TenantMade(SqlConnection& db, int64_t tenant) {
  const std::string id = std::to_string(tenant);
  return db.Exec("SELECT set_config('rapport.tenant_id', '" + id +
                 "', false); INSERT INTO tie_watermark (tenant_id, message) VALUES (" + id +
                 ", 0)");
}

}  // namespace rapport::store
