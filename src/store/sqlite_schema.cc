#include "store/sqlite_schema.h"

#include <string>

namespace rapport::store {
namespace {

// Never edit a migration that has shipped; add a new one.
constexpr const char* kMigrations[] = {
    // 1: tenants, people, messages (metadata only) with provenance, source files.
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
  kind        TEXT NOT NULL CHECK (kind IN ('maildir', 'mbox', 'eml')),
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
