#pragma once
// Schema migrations. The schema is a series of numbered SQL files,
// db/schema/NNN_name.sql, embedded into the binary at build time (see
// db/CMakeLists.txt); nothing is read from the source tree at run time.
//
// PRAGMA user_version holds the number of the last file applied (0 for a new
// database). Migrate applies each newer file in order, each in its own
// BEGIN IMMEDIATE transaction together with the user_version update, so a
// failure leaves the database at the last complete version. A database whose
// user_version is newer than the newest file this program knows is refused.
//
// Rules for schema files: never edit a file once released (add a new one);
// no BEGIN/COMMIT inside (the runner owns the transaction); no PRAGMAs that
// are no-ops inside a transaction (foreign_keys, journal_mode).
#include <span>

#include "core/status.h"
#include "db/sqlite_db.h"

namespace rwd::db {

struct Migration {
  int version;       // NNN of the file name: 1, 2, ... without gaps
  const char* name;  // file name, e.g. "001_initial.sql"
  const char* sql;
};

// The schema files compiled into this binary, in version order.
std::span<const Migration> EmbeddedMigrations();

// The version a database has after Migrate(db) (the newest embedded file).
int LatestSchemaVersion();

// Reads PRAGMA user_version.
Result<int> SchemaVersion(SqliteDb& db);

// Brings `db` to the newest version of `migrations` (default: the embedded
// files). Returns the version the database is at afterwards. `migrations`
// must be numbered 1..N in order.
Result<int> Migrate(SqliteDb& db);
Result<int> Migrate(SqliteDb& db, std::span<const Migration> migrations);

}  // namespace rwd::db
