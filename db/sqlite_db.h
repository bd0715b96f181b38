#pragma once
// A tiny RAII wrapper over one SQLite connection, in the spirit of Orthanc's:
//   - SqliteDb owns the connection and a cache of prepared statements, one
//     per SQL text, prepared once and reused for the life of the connection;
//   - Statement is a short-lived handle on a cached statement: bind, step,
//     read columns; its destructor resets it and clears its bindings, so a
//     half-read SELECT never keeps a read transaction open;
//   - Transaction is BEGIN IMMEDIATE ... COMMIT, rolled back by its
//     destructor unless Commit() succeeded.
//
// Errors are Status values (ErrorCode::kDatabaseError) carrying SQLite's own
// message and the start of the SQL text, never a bound value.
//
// Thread safety: none. One thread at a time uses a SqliteDb and everything
// obtained from it (ProvenanceStore serialises with a mutex). Statements and
// Transactions must not outlive their SqliteDb.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rwd::db {

class SqliteDb;

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();  // resets, clears bindings, hands the statement back

  // Parameter indices start at 1, as in SQLite (the first '?' is 1).
  // A failed bind is remembered and reported by the next Step()/Run(), so
  // binds chain without checks at every call.
  Statement& BindInt64(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindText(int index, std::string_view value);  // copied
  Statement& BindNull(int index);

  // Runs one step: true when a row is ready to read, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows (INSERT, UPDATE, DELETE, ...).
  Status Run();

  // Column indices start at 0. Valid only after Step() returned true.
  // A NULL reads as 0, 0.0 or "".
  bool ColumnIsNull(int column) const;
  int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;

  // Makes the statement ready to run again; bindings are cleared.
  void Reset();

 private:
  friend class SqliteDb;
  struct Slot;
  Statement(SqliteDb* db, Slot* slot) : db_(db), slot_(slot) {}
  void Release();
  void NoteBind(int rc, int index);

  SqliteDb* db_ = nullptr;
  Slot* slot_ = nullptr;
  Status bind_error_;
};

class SqliteDb {
 public:
  // Opens (creating when absent) the database file at `path` (":memory:" for
  // a private in-memory database) and applies the connection PRAGMAs (see
  // ApplyPragmas in sqlite_db.cpp). The parent folder must exist.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path);

  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // The cached prepared statement for `sql` (prepared on first use), ready
  // to bind. `sql` is one statement. A statement already held by a live
  // Statement handle cannot be handed out twice: that is an error.
  Result<Statement> Prepare(std::string_view sql);

  // Runs one or more statements without parameters (schema scripts,
  // PRAGMA assignments). Not cached.
  Status Exec(const std::string& sql);

  // Runs a query whose first row's first column is an integer
  // (e.g. "PRAGMA user_version").
  Result<int64_t> QueryInt64(std::string_view sql);

  int64_t LastInsertRowId() const;
  int64_t Changes() const;  // rows changed by the last INSERT/UPDATE/DELETE
  bool InTransaction() const;
  size_t CachedStatementCount() const { return cache_.size(); }
  const std::string& path() const { return path_; }

  // Status(kDatabaseError) from the connection's last error, naming `what`
  // (a short description or the start of the SQL text).
  Status LastError(std::string_view what) const;

 private:
  friend class Statement;
  SqliteDb(sqlite3* handle, std::string path);
  Status ApplyPragmas();

  sqlite3* handle_;
  std::string path_;
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  // Slots are heap-allocated: their addresses stay valid while the
  // connection lives. Lookup by string_view, without a copy.
  std::unordered_map<std::string, std::unique_ptr<Statement::Slot>, SqlHash,
                     std::equal_to<>>
      cache_;
};

// BEGIN IMMEDIATE on Begin(); ROLLBACK in the destructor unless Commit()
// succeeded. IMMEDIATE takes the write lock up front, so a writer waits on
// busy_timeout at BEGIN rather than failing half-way through.
class Transaction {
 public:
  explicit Transaction(SqliteDb& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin();
  Status Commit();
  Status Rollback();

 private:
  SqliteDb& db_;
  bool active_ = false;
};

}  // namespace rwd::db
