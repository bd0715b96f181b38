#include "db/sqlite_db.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <string>

#include "tests/support/test_support.h"

namespace rwd::db {
namespace {

using rwd::testing::TempDir;

std::unique_ptr<SqliteDb> OpenOrDie(const std::string& path) {
  auto db = SqliteDb::Open(path);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(db).value();
}

TEST_CASE("SqliteDb::Open creates the file and sets the connection PRAGMAs") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("p.db"));
  CHECK(std::filesystem::exists(dir.File("p.db")));
  {
    auto st = db->Prepare("PRAGMA journal_mode");
    REQUIRE(st.ok());
    auto row = st->Step();
    REQUIRE(row.ok());
    REQUIRE(row.value());
    CHECK(st->ColumnText(0) == "wal");
  }
  CHECK(db->QueryInt64("PRAGMA synchronous").value() == 1);  // NORMAL
  CHECK(db->QueryInt64("PRAGMA foreign_keys").value() == 1);
  CHECK(db->QueryInt64("PRAGMA busy_timeout").value() == 5000);
}

TEST_CASE("SqliteDb::Open reports a folder that does not exist") {
  TempDir dir;
  auto db = SqliteDb::Open(dir.File("missing/p.db"));
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == ErrorCode::kDatabaseError);
  CHECK(db.status().message().find("missing/p.db") != std::string::npos);
}

TEST_CASE("SqliteDb::Open refuses a file that is not a database") {
  TempDir dir;
  const std::string path = dir.File("notes.txt");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(8192, 'x');
  }
  auto db = SqliteDb::Open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == ErrorCode::kDatabaseError);
  CHECK(db.status().message().find("not a database") != std::string::npos);
}

TEST_CASE("Statement binds and reads int64, double, text and null") {
  auto db = OpenOrDie(":memory:");
  REQUIRE(db->Exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, n TEXT)").ok());
  const std::string text("a\0b \xC3\xA9", 6);  // embedded NUL, UTF-8
  {
    auto st = db->Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
    REQUIRE(st.ok());
    st->BindInt64(1, std::numeric_limits<int64_t>::min())
        .BindDouble(2, 0.25)
        .BindText(3, text)
        .BindNull(4);
    REQUIRE(st->Run().ok());
  }
  auto st = db->Prepare("SELECT i, d, s, n FROM t");
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(row.value());
  CHECK(st->ColumnInt64(0) == std::numeric_limits<int64_t>::min());
  CHECK(st->ColumnDouble(1) == 0.25);
  CHECK(st->ColumnText(2) == text);
  CHECK_FALSE(st->ColumnIsNull(2));
  CHECK(st->ColumnIsNull(3));
  CHECK(st->ColumnText(3).empty());
  row = st->Step();
  REQUIRE(row.ok());
  CHECK_FALSE(row.value());
}

TEST_CASE("Prepared statements are cached per SQL text and reset on release") {
  auto db = OpenOrDie(":memory:");
  REQUIRE(db->Exec("CREATE TABLE t (i INTEGER);"
                   "INSERT INTO t VALUES (1), (2), (3);")
              .ok());
  const size_t before = db->CachedStatementCount();
  const char* kSql = "SELECT i FROM t WHERE i >= ?1 ORDER BY i";
  {
    auto st = db->Prepare(kSql);
    REQUIRE(st.ok());
    st->BindInt64(1, 2);
    REQUIRE(st->Step().value());
    CHECK(st->ColumnInt64(0) == 2);

    SUBCASE("the same statement cannot be handed out twice at once") {
      auto again = db->Prepare(kSql);
      REQUIRE_FALSE(again.ok());
      CHECK(again.status().message().find("already in use") !=
            std::string::npos);
    }
    // Abandoned half-way: the handle's destructor resets it.
  }
  auto st = db->Prepare(kSql);
  REQUIRE(st.ok());
  CHECK(db->CachedStatementCount() == before + 1);
  st->BindInt64(1, 1);
  REQUIRE(st->Step().value());
  CHECK(st->ColumnInt64(0) == 1);  // starts again from the first row

  st->Reset();  // clears the bindings too: NULL matches nothing
  auto row = st->Step();
  REQUIRE(row.ok());
  CHECK_FALSE(row.value());
}

TEST_CASE("Errors carry SQLite's message but never a bound value") {
  auto db = OpenOrDie(":memory:");
  REQUIRE(db->Exec("CREATE TABLE t (name TEXT UNIQUE)").ok());

  SUBCASE("constraint violation") {
    const std::string secret = "DOE^JOHN 1234567";
    for (int i = 0; i < 2; ++i) {
      auto st = db->Prepare("INSERT INTO t (name) VALUES (?1)");
      REQUIRE(st.ok());
      st->BindText(1, secret);
      Status s = st->Run();
      if (i == 0) {
        REQUIRE(s.ok());
      } else {
        REQUIRE_FALSE(s.ok());
        CHECK(s.code() == ErrorCode::kDatabaseError);
        CHECK(s.message().find("UNIQUE constraint failed") !=
              std::string::npos);
        CHECK(s.message().find("DOE") == std::string::npos);
      }
    }
  }
  SUBCASE("syntax error") {
    auto st = db->Prepare("SELEC 1");
    REQUIRE_FALSE(st.ok());
    CHECK(st.status().message().find("syntax error") != std::string::npos);
  }
  SUBCASE("more than one statement") {
    auto st = db->Prepare("SELECT 1; SELECT 2");
    REQUIRE_FALSE(st.ok());
    CHECK(st.status().message().find("one statement") != std::string::npos);
  }
  SUBCASE("a failed bind is reported by Step") {
    auto st = db->Prepare("INSERT INTO t (name) VALUES (?1)");
    REQUIRE(st.ok());
    st->BindText(7, "x");
    Status s = st->Run();
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("parameter 7") != std::string::npos);
    CHECK(db->QueryInt64("SELECT count(*) FROM t").value() == 0);
  }
}

TEST_CASE("Transaction rolls back unless committed") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("t.db"));
  REQUIRE(db->Exec("CREATE TABLE t (i INTEGER)").ok());
  {
    Transaction txn(*db);
    REQUIRE(txn.Begin().ok());
    CHECK(db->InTransaction());
    REQUIRE(db->Exec("INSERT INTO t VALUES (1)").ok());
  }  // no Commit
  CHECK_FALSE(db->InTransaction());
  CHECK(db->QueryInt64("SELECT count(*) FROM t").value() == 0);
  {
    Transaction txn(*db);
    REQUIRE(txn.Begin().ok());
    CHECK_FALSE(txn.Begin().ok());  // not twice
    REQUIRE(db->Exec("INSERT INTO t VALUES (2)").ok());
    REQUIRE(txn.Commit().ok());
  }
  CHECK(db->QueryInt64("SELECT count(*) FROM t").value() == 1);

  // Committed data is visible to another connection to the same file.
  auto other = OpenOrDie(dir.File("t.db"));
  CHECK(other->QueryInt64("SELECT i FROM t").value() == 2);
}

}  // namespace
}  // namespace rwd::db
