#include "db/migrations.h"

#include <string>

#include "core/log.h"

namespace rwd::db {

int LatestSchemaVersion() {
  auto all = EmbeddedMigrations();
  return all.empty() ? 0 : all.back().version;
}

Result<int> SchemaVersion(SqliteDb& db) {
  Result<int64_t> v = db.QueryInt64("PRAGMA user_version");
  if (!v.ok()) return v.status();
  return static_cast<int>(v.value());
}

Result<int> Migrate(SqliteDb& db) { return Migrate(db, EmbeddedMigrations()); }

Result<int> Migrate(SqliteDb& db, std::span<const Migration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return Status::Error(ErrorCode::kInternal,
                           "schema migrations must be numbered 1..N in order");
    }
  }
  const int latest = static_cast<int>(migrations.size());

  Result<int> current = SchemaVersion(db);
  if (!current.ok()) return current.status();
  if (current.value() > latest) {
    return Status::Error(
        ErrorCode::kDatabaseError,
        "the database '" + db.path() + "' has schema version " +
            std::to_string(current.value()) +
            ", newer than this rwdgate supports (" + std::to_string(latest) +
            "); it was written by a newer rwdgate: use that version or a "
            "new database file");
  }

  for (const Migration& m : migrations) {
    if (m.version <= current.value()) continue;
    Transaction txn(db);
    Status s = txn.Begin();
    if (!s.ok()) return s;
    // Another process may have migrated while we waited for the lock.
    Result<int> now = SchemaVersion(db);
    if (!now.ok()) return now.status();
    if (now.value() >= m.version) {
      current = now.value();
      continue;  // txn rolls back: nothing was written
    }
    s = db.Exec(m.sql);
    if (!s.ok()) {
      return Status::Error(ErrorCode::kDatabaseError,
                           std::string("schema migration ") + m.name +
                               " failed: " + s.message());
    }
    // user_version is in the database header, written by this transaction.
    s = db.Exec("PRAGMA user_version = " + std::to_string(m.version));
    if (!s.ok()) return s;
    s = txn.Commit();
    if (!s.ok()) return s;
    LogInfo(std::string("provenance database: applied schema ") + m.name);
    current = m.version;
  }
  return current.value();
}

}  // namespace rwd::db
