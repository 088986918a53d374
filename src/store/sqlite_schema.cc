#include "store/sqlite_schema.h"

#include <string>

namespace rapport::store {
namespace {

// Never edit a migration that has shipped; add a new one.
constexpr const char* kMigrations[] = {
    // 1: tenants, people, messages (metadata only), provenance, ingested files.
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
CREATE TABLE message (
  id             INTEGER PRIMARY KEY,
  tenant_id      INTEGER NOT NULL REFERENCES tenant(id),
  message_id     TEXT NOT NULL,
  fingerprint    BLOB NOT NULL,
  sent_at        INTEGER NOT NULL,
  utc_offset_min INTEGER NOT NULL,
  sender_id      INTEGER NOT NULL REFERENCES address(id),
  in_reply_to    TEXT,
  list_id        TEXT,
  precedence     TEXT,
  auto_submitted TEXT,
  is_bulk        INTEGER NOT NULL DEFAULT 0,
  subject        TEXT,
  UNIQUE (tenant_id, fingerprint)
);
CREATE INDEX message_sent ON message (tenant_id, sent_at);
CREATE TABLE message_key (
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
CREATE TABLE message_reference (
  message    INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (message, position)
) WITHOUT ROWID;
CREATE TABLE provenance (
  message     INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
  location    TEXT NOT NULL,
  source_kind TEXT NOT NULL,
  ingested_at INTEGER NOT NULL,
  PRIMARY KEY (message, location)
) WITHOUT ROWID;
CREATE TABLE ingested_file (
  path        TEXT PRIMARY KEY,
  size        INTEGER NOT NULL,
  mtime_ns    INTEGER NOT NULL,
  finished_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
};

constexpr int kLatest = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

}  // namespace

int LatestSchemaVersion() {
  return kLatest;
}

Status MigrateSchema(SqliteDb& db) {
  auto version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version > kLatest) {
    return Status::FailedPrecondition("store schema version " + std::to_string(*version) +
                                      " is newer than this rapport (" + std::to_string(kLatest) +
                                      "); upgrade rapport");
  }
  for (int v = static_cast<int>(*version); v < kLatest; ++v) {
    RAPPORT_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status st = db.Exec(kMigrations[v]);
    if (st.ok()) st = db.Exec("PRAGMA user_version = " + std::to_string(v + 1));
    if (!st.ok()) {
      (void)db.Exec("ROLLBACK");
      return st;
    }
    RAPPORT_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace rapport::store
