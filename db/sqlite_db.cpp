#include "db/sqlite_db.h"

#include <sqlite3.h>

#include <limits>
#include <utility>

#include "core/log.h"

namespace rwd::db {

// One cached prepared statement.
struct Statement::Slot {
  std::string_view sql;  // the cache key, owned by the map
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
};

namespace {

// The start of an SQL text, on one line, for error messages. SQL texts hold
// '?' placeholders, never values.
std::string SqlHint(std::string_view sql) {
  constexpr size_t kMax = 80;
  std::string out;
  for (char c : sql.substr(0, kMax)) {
    out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  if (sql.size() > kMax) out += "...";
  return out;
}

Status DbError(std::string message) {
  return Status::Error(ErrorCode::kDatabaseError, std::move(message));
}

}  // namespace

// ---------------------------------------------------------------- Statement

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      slot_(std::exchange(other.slot_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = std::exchange(other.db_, nullptr);
    slot_ = std::exchange(other.slot_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (slot_ == nullptr) return;
  Reset();
  slot_->in_use = false;
  slot_ = nullptr;
  db_ = nullptr;
}

void Statement::NoteBind(int rc, int index) {
  if (rc == SQLITE_OK || !bind_error_.ok()) return;
  bind_error_ = DbError("cannot bind parameter " + std::to_string(index) +
                        ": " + sqlite3_errstr(rc) + " in: " +
                        SqlHint(slot_->sql));
}

Statement& Statement::BindInt64(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(slot_->stmt, index, value), index);
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(slot_->stmt, index, value), index);
  return *this;
}

Statement& Statement::BindText(int index, std::string_view value) {
  if (value.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    NoteBind(SQLITE_TOOBIG, index);
    return *this;
  }
  NoteBind(sqlite3_bind_text(slot_->stmt, index, value.data(),
                             static_cast<int>(value.size()), SQLITE_TRANSIENT),
           index);
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(slot_->stmt, index), index);
  return *this;
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  const int rc = sqlite3_step(slot_->stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // With sqlite3_prepare_v2 statements, step returns the specific error and
  // the connection's message describes it.
  return db_->LastError(SqlHint(slot_->sql));
}

Status Statement::Run() {
  Result<bool> r = Step();
  if (!r.ok()) return r.status();
  if (r.value()) {
    return DbError("statement returned rows where none were expected: " +
                   SqlHint(slot_->sql));
  }
  return Status::Ok();
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(slot_->stmt, column) == SQLITE_NULL;
}

int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(slot_->stmt, column);
}

double Statement::ColumnDouble(int column) const {
  return sqlite3_column_double(slot_->stmt, column);
}

std::string Statement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(slot_->stmt, column);
  if (text == nullptr) return std::string();
  const int n = sqlite3_column_bytes(slot_->stmt, column);
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(n));
}

void Statement::Reset() {
  if (slot_ == nullptr) return;
  // sqlite3_reset repeats the last step's error code; it was reported then.
  sqlite3_reset(slot_->stmt);
  sqlite3_clear_bindings(slot_->stmt);
  bind_error_ = Status::Ok();
}

// ----------------------------------------------------------------- SqliteDb

SqliteDb::SqliteDb(sqlite3* handle, std::string path)
    : handle_(handle), path_(std::move(path)) {}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  sqlite3* handle = nullptr;
  // NOMUTEX: the connection is used by one thread at a time (see header).
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open database '" + path + "': " +
                      (handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc));
    sqlite3_close(handle);  // harmless on nullptr
    return DbError(std::move(msg));
  }
  sqlite3_extended_result_codes(handle, 1);
  std::unique_ptr<SqliteDb> db(new SqliteDb(handle, path));
  Status s = db->ApplyPragmas();
  if (!s.ok()) return s;
  return db;
}

// Every connection PRAGMA, in one place.
//   journal_mode=WAL     readers never block the writer, and a commit is an
//                        append to the -wal file;
//   synchronous=NORMAL   with WAL: no fsync per commit (only at checkpoints);
//                        a power cut may lose the last commits, never corrupt;
//   foreign_keys=ON      off by default in SQLite, per connection;
//   busy_timeout=5000    wait up to 5 s for another connection's write lock;
//   temp_store=MEMORY    sorts and the row sets of UPDATEs stay in memory: no
//                        temporary file (which would hold pseudonyms and
//                        paths) in /var/tmp, and no file to open for them;
//   cache_size=-32768    32 MiB of pages (SQLite's default is 2 MiB): the
//                        series phase updates every row of a series in one
//                        transaction, and 1,000 CT rows with their indexes
//                        are 3 MiB. With the default, each row's pages were
//                        read back and dirty pages spilled mid-transaction:
//                        8,900 reads and writes of a 1,000-slice series.
Status SqliteDb::ApplyPragmas() {
  // First: switching to WAL needs a lock another connection may hold.
  Status busy = Exec("PRAGMA busy_timeout=5000;");
  if (!busy.ok()) return busy;
  {
    Result<Statement> st = Prepare("PRAGMA journal_mode=WAL");
    if (!st.ok()) return st.status();
    Result<bool> r = st->Step();
    if (!r.ok()) return r.status();
    const std::string mode = r.value() ? st->ColumnText(0) : std::string();
    // ":memory:" databases report "memory"; other modes mean the file
    // system refused WAL (e.g. some network shares): still correct, slower.
    if (mode != "wal" && mode != "memory") {
      LogWarn("provenance database '" + path_ +
              "' is not in WAL mode (journal_mode=" + mode +
              "); writes will be slower");
    }
  }
  Status s = Exec(
      "PRAGMA synchronous=NORMAL;"
      "PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY;"
      "PRAGMA cache_size=-32768;");
  if (!s.ok()) return s;
  // A build without foreign key support ignores the PRAGMA silently.
  Result<int64_t> fk = QueryInt64("PRAGMA foreign_keys");
  if (!fk.ok()) return fk.status();
  if (fk.value() != 1) {
    return DbError("this SQLite build does not enforce foreign keys");
  }
  return Status::Ok();
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, slot] : cache_) sqlite3_finalize(slot->stmt);
  cache_.clear();
  if (sqlite3_close(handle_) != SQLITE_OK) {
    LogWarn("cannot close provenance database '" + path_ +
            "': " + sqlite3_errmsg(handle_));
    sqlite3_close_v2(handle_);  // closes once the last statement is gone
  }
}

Result<Statement> SqliteDb::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(
        handle_, sql.data(), static_cast<int>(sql.size()),
        SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return LastError(SqlHint(sql));
    if (stmt == nullptr) return DbError("empty SQL statement");
    // `sql` need not be NUL-terminated: measure the rest from the view.
    const std::string_view rest =
        tail ? sql.substr(static_cast<size_t>(tail - sql.data())) : "";
    if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
      sqlite3_finalize(stmt);
      return DbError("Prepare takes one statement; use Exec for scripts: " +
                     SqlHint(sql));
    }
    auto slot = std::make_unique<Statement::Slot>();
    slot->stmt = stmt;
    it = cache_.emplace(std::string(sql), std::move(slot)).first;
    it->second->sql = it->first;
  }
  Statement::Slot* slot = it->second.get();
  if (slot->in_use) {
    return DbError("statement already in use by another handle: " +
                   SqlHint(sql));
  }
  slot->in_use = true;
  return Statement(this, slot);
}

Status SqliteDb::Exec(const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(handle_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return DbError(msg + " in: " + SqlHint(sql));
}

Result<int64_t> SqliteDb::QueryInt64(std::string_view sql) {
  Result<Statement> st = Prepare(sql);
  if (!st.ok()) return st.status();
  Result<bool> row = st->Step();
  if (!row.ok()) return row.status();
  if (!row.value()) return DbError("query returned no row: " + SqlHint(sql));
  return st->ColumnInt64(0);
}

int64_t SqliteDb::LastInsertRowId() const {
  return sqlite3_last_insert_rowid(handle_);
}

int64_t SqliteDb::Changes() const { return sqlite3_changes64(handle_); }

bool SqliteDb::InTransaction() const {
  return sqlite3_get_autocommit(handle_) == 0;
}

Status SqliteDb::LastError(std::string_view what) const {
  return DbError(std::string(sqlite3_errmsg(handle_)) + " (sqlite code " +
                 std::to_string(sqlite3_extended_errcode(handle_)) +
                 ") in: " + std::string(what));
}

// -------------------------------------------------------------- Transaction

Status Transaction::Begin() {
  if (active_) return DbError("transaction already begun");
  Result<Statement> st = db_.Prepare("BEGIN IMMEDIATE");
  if (!st.ok()) return st.status();
  Status s = st->Run();
  if (!s.ok()) return s;
  active_ = true;
  return Status::Ok();
}

Status Transaction::Commit() {
  if (!active_) return DbError("no transaction to commit");
  Result<Statement> st = db_.Prepare("COMMIT");
  if (!st.ok()) return st.status();
  Status s = st->Run();
  if (!s.ok()) return s;  // still active: the destructor rolls back
  active_ = false;
  return Status::Ok();
}

Status Transaction::Rollback() {
  if (!active_) return Status::Ok();
  active_ = false;
  // Some errors (e.g. SQLITE_FULL) make SQLite roll back by itself.
  if (!db_.InTransaction()) return Status::Ok();
  Result<Statement> st = db_.Prepare("ROLLBACK");
  if (!st.ok()) return st.status();
  return st->Run();
}

Transaction::~Transaction() {
  Status s = Rollback();
  if (!s.ok()) LogError("rollback failed: " + s.message());
}

}  // namespace rwd::db
