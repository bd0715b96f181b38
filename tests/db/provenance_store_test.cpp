#include "db/provenance_store.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "db/migrations.h"
#include "db/sqlite_db.h"
#include "tests/support/test_support.h"

namespace rwd::db {
namespace {

using rwd::testing::TempDir;

// A distinct 64-hex-digit value standing in for an HMAC or SHA-256.
std::string Hex64(unsigned n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", n);
  return buf;
}

std::unique_ptr<ProvenanceStore> OpenStore(const std::string& path) {
  auto store = ProvenanceStore::Open(path);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

// A second, raw connection to look at (or tamper with) the file.
std::unique_ptr<SqliteDb> OpenRaw(const std::string& path) {
  auto db = SqliteDb::Open(path);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(db).value();
}

int64_t Count(SqliteDb& db, const std::string& sql) {
  auto n = db.QueryInt64(sql);
  REQUIRE_MESSAGE(n.ok(), n.status().ToString());
  return n.value();
}

std::string Text(SqliteDb& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  auto row = st->Step();
  REQUIRE_MESSAGE(row.ok(), row.status().ToString());
  REQUIRE(row.value());
  return st->ColumnIsNull(0) ? "<null>" : st->ColumnText(0);
}

RunInfo TestRun() {
  RunInfo r;
  r.profile_name = "basic";
  r.profile_sha256 = Hex64(7);
  r.tool_version = "0.1.0";
  r.arguments_json = R"(["rwdgate","run","--profile","basic"])";
  r.input_dir = "/data/in";
  r.output_dir = "/data/out";
  return r;
}

int64_t BeginOrDie(ProvenanceStore& store) {
  auto id = store.BeginRun(TestRun());
  REQUIRE_MESSAGE(id.ok(), id.status().ToString());
  return id.value();
}

ObjectRecord Released(const std::string& path, unsigned n) {
  ObjectRecord o;
  o.source_path = path;
  o.size_in = 1000 + n;
  o.sha256_in = Hex64(n);
  o.sha256_out = Hex64(n + 1000000);
  o.size_out = 900 + n;
  o.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
  o.modality = "CT";
  o.hmac_patient_id = Hex64(1);
  o.hmac_study_uid = Hex64(2);
  o.hmac_series_uid = Hex64(3);
  o.hmac_sop_uid = Hex64(n + 2000000);
  o.new_study_uid = "2.25.1";
  o.new_series_uid = "2.25.2";
  o.new_sop_uid = "2.25.3." + std::to_string(n);
  o.state = ObjectState::kReleased;
  o.output_path = "/data/out/" + std::to_string(n) + ".dcm";
  o.stage = "release";
  return o;
}

ObjectRecord Quarantined(const std::string& path, unsigned n) {
  ObjectRecord o;
  o.source_path = path;
  o.size_in = 2000;
  o.sha256_in = Hex64(n);
  o.modality = "US";
  o.state = ObjectState::kQuarantined;
  o.reason_code = "Unsafe";
  o.reason = "burned-in annotation suspected";
  o.output_path = "/data/quarantine/" + std::to_string(n) + ".dcm";
  o.stage = "pixels";
  o.findings = {
      {"pixels", "burned_in_text", R"({"region":[0,0,100,20],"score":0.93})"},
      {"identify", "private_tags_removed", ""},
  };
  return o;
}

ObjectRecord Rejected(const std::string& path) {
  ObjectRecord o;
  o.source_path = path;
  o.size_in = 0;
  o.state = ObjectState::kRejected;
  o.reason_code = "EmptyFile";
  o.reason = "empty file";
  o.stage = "ingest";
  return o;
}

TEST_CASE("ObjectStateName gives the stored names") {
  CHECK(std::string(ObjectStateName(ObjectState::kReleased)) == "released");
  CHECK(std::string(ObjectStateName(ObjectState::kQuarantined)) ==
        "quarantined");
  CHECK(std::string(ObjectStateName(ObjectState::kRejected)) == "rejected");
}

TEST_CASE("Open on a new file creates the schema and sets user_version") {
  TempDir dir;
  const std::string path = dir.File("prov.db");
  REQUIRE(LatestSchemaVersion() >= 1);
  REQUIRE(EmbeddedMigrations().front().version == 1);
  CHECK(std::string(EmbeddedMigrations().front().name) == "001_initial.sql");
  OpenStore(path);

  auto db = OpenRaw(path);
  CHECK(SchemaVersion(*db).value() == LatestSchemaVersion());
  for (const char* table : {"runs", "objects", "findings", "series_checks",
                            "cohorts", "cohort_members"}) {
    CAPTURE(table);
    CHECK(Count(*db, std::string("SELECT count(*) FROM sqlite_schema WHERE "
                                 "type = 'table' AND name = '") +
                         table + "'") == 1);
  }
  for (const char* index :
       {"objects_run_state", "objects_sha256_in", "objects_hmac_sop_uid"}) {
    CAPTURE(index);
    CHECK(Count(*db, std::string("SELECT count(*) FROM sqlite_schema WHERE "
                                 "type = 'index' AND name = '") +
                         index + "'") == 1);
  }
  CHECK(Count(*db, "SELECT count(*) FROM sqlite_schema WHERE type = "
                   "'trigger'") >= 5);
}

TEST_CASE("Reopening a migrated database changes nothing and keeps the data") {
  TempDir dir;
  const std::string path = dir.File("prov.db");
  int64_t run = 0;
  {
    auto store = OpenStore(path);
    run = BeginOrDie(*store);
    REQUIRE(store->RecordObject(run, Released("a.dcm", 1)).ok());
  }
  std::string schema_before;
  {
    auto db = OpenRaw(path);
    schema_before = Text(*db, "SELECT group_concat(sql, ';') FROM "
                              "(SELECT sql FROM sqlite_schema ORDER BY name)");
  }
  auto store = OpenStore(path);  // would fail if 001 ran again
  auto counts = store->CountStates(run);
  REQUIRE(counts.ok());
  CHECK(counts->released == 1);
  auto db = OpenRaw(path);
  CHECK(SchemaVersion(*db).value() == LatestSchemaVersion());
  CHECK(Text(*db, "SELECT group_concat(sql, ';') FROM "
                  "(SELECT sql FROM sqlite_schema ORDER BY name)") ==
        schema_before);
}

TEST_CASE("A database from a newer rwdgate is refused with a clear error") {
  TempDir dir;
  const std::string path = dir.File("prov.db");
  OpenStore(path);
  const int newer = LatestSchemaVersion() + 1;
  {
    auto db = OpenRaw(path);
    REQUIRE(db->Exec("PRAGMA user_version = " + std::to_string(newer)).ok());
  }
  auto store = ProvenanceStore::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == ErrorCode::kDatabaseError);
  const std::string& msg = store.status().message();
  CAPTURE(msg);
  CHECK(msg.find("schema version " + std::to_string(newer)) !=
        std::string::npos);
  CHECK(msg.find("newer than this rwdgate supports") != std::string::npos);
  auto db = OpenRaw(path);
  CHECK(SchemaVersion(*db).value() == newer);  // left untouched
}

TEST_CASE("Migrations apply step by step, each in its own transaction") {
  auto db = SqliteDb::Open(":memory:");
  REQUIRE(db.ok());
  const Migration broken[] = {
      {1, "001_a.sql", "CREATE TABLE a (x INTEGER);"},
      {2, "002_b.sql", "CREATE TABLE b (x INTEGER); CREATE TABLE oops ("},
  };
  auto r = Migrate(**db, broken);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("002_b.sql") != std::string::npos);
  // 001 stays applied; nothing of 002 remains.
  CHECK(SchemaVersion(**db).value() == 1);
  CHECK(Count(**db, "SELECT count(*) FROM sqlite_schema WHERE name = 'a'") ==
        1);
  CHECK(Count(**db, "SELECT count(*) FROM sqlite_schema WHERE name = 'b'") ==
        0);

  const Migration fixed[] = {
      {1, "001_a.sql", "CREATE TABLE a (x INTEGER);"},
      {2, "002_b.sql", "CREATE TABLE b (x INTEGER);"},
  };
  r = Migrate(**db, fixed);
  REQUIRE(r.ok());
  CHECK(r.value() == 2);
  CHECK(SchemaVersion(**db).value() == 2);

  const Migration gap[] = {{1, "001_a.sql", ""}, {3, "003_c.sql", ""}};
  CHECK_FALSE(Migrate(**db, gap).ok());
}

TEST_CASE("RecordObject, CountStates and ListObjects round-trip") {
  TempDir dir;
  const std::string path = dir.File("prov.db");
  auto store = OpenStore(path);
  const int64_t run = BeginOrDie(*store);

  REQUIRE(store->RecordObject(run, Quarantined("b/us.dcm", 20)).ok());
  REQUIRE(store->RecordObject(run, Rejected("c/empty.dcm")).ok());
  REQUIRE(store->RecordObject(run, Released("a/ct.dcm", 10)).ok());

  auto counts = store->CountStates(run);
  REQUIRE(counts.ok());
  CHECK(counts->released == 1);
  CHECK(counts->quarantined == 1);
  CHECK(counts->rejected == 1);

  auto rows = store->ListObjects(run);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 3);
  const auto& r = rows.value();
  CHECK(r[0].source_path == "a/ct.dcm");  // ordered by source_path
  CHECK(r[0].state == "released");
  CHECK(r[0].reason_code.empty());
  CHECK(r[0].output_path == "/data/out/10.dcm");
  CHECK(r[0].sha256_in == Hex64(10));
  CHECK(r[0].sha256_out == Hex64(1000010));
  CHECK(r[1].source_path == "b/us.dcm");
  CHECK(r[1].state == "quarantined");
  CHECK(r[1].reason_code == "Unsafe");
  CHECK(r[1].reason == "burned-in annotation suspected");
  CHECK(r[1].output_path == "/data/quarantine/20.dcm");
  CHECK(r[1].sha256_out.empty());
  CHECK(r[2].source_path == "c/empty.dcm");
  CHECK(r[2].state == "rejected");
  CHECK(r[2].reason_code == "EmptyFile");
  CHECK(r[2].sha256_in.empty());

  auto db = OpenRaw(path);
  // The findings belong to the quarantined object, in order.
  CHECK(Count(*db, "SELECT count(*) FROM findings") == 2);
  CHECK(Text(*db, "SELECT f.kind FROM findings f JOIN objects o ON "
                  "o.id = f.object_id WHERE o.source_path = 'b/us.dcm' "
                  "ORDER BY f.id LIMIT 1") == "burned_in_text");
  CHECK(Text(*db, "SELECT json_extract(detail, '$.score') FROM findings "
                  "WHERE kind = 'burned_in_text'") == "0.93");
  CHECK(Text(*db, "SELECT detail FROM findings WHERE kind = "
                  "'private_tags_removed'") == "<null>");
  // "" and size_out 0 are stored as NULL; the rest as given.
  CHECK(Text(*db, "SELECT size_out FROM objects WHERE source_path = "
                  "'b/us.dcm'") == "<null>");
  CHECK(Text(*db, "SELECT size_in FROM objects WHERE source_path = "
                  "'c/empty.dcm'") == "0");
  CHECK(Text(*db, "SELECT hmac_patient_id FROM objects WHERE source_path = "
                  "'a/ct.dcm'") == Hex64(1));
  CHECK(Text(*db, "SELECT new_sop_uid FROM objects WHERE source_path = "
                  "'a/ct.dcm'") == "2.25.3.10");
  CHECK(Text(*db, "SELECT stage FROM objects WHERE source_path = "
                  "'b/us.dcm'") == "pixels");
  CHECK(Count(*db, "SELECT count(*) FROM objects WHERE processed_at GLOB "
                   "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:"
                   "[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'") == 3);
  CHECK(Text(*db, "SELECT arguments FROM runs") ==
        R"(["rwdgate","run","--profile","basic"])");
  CHECK(Text(*db, "SELECT status FROM runs") == "running");

  REQUIRE(store->EndRun(run, "completed", R"({"released":1})").ok());
  CHECK(Text(*db, "SELECT status FROM runs") == "completed");
  CHECK(Text(*db, "SELECT summary FROM runs") == R"({"released":1})");
  CHECK(Text(*db, "SELECT ended_at >= started_at FROM runs") == "1");
}

TEST_CASE("Counts and lists are per run; an unknown run is an error") {
  TempDir dir;
  auto store = OpenStore(dir.File("prov.db"));
  const int64_t run1 = BeginOrDie(*store);
  const int64_t run2 = BeginOrDie(*store);
  REQUIRE(store->RecordObject(run1, Rejected("x")).ok());
  REQUIRE(store->RecordObject(run2, Released("y", 1)).ok());
  REQUIRE(store->RecordObject(run2, Released("z", 2)).ok());
  CHECK(store->CountStates(run1)->rejected == 1);
  CHECK(store->CountStates(run1)->released == 0);
  CHECK(store->CountStates(run2)->released == 2);
  CHECK(store->ListObjects(run2)->size() == 2);

  auto counts = store->CountStates(run2 + 100);
  REQUIRE_FALSE(counts.ok());
  CHECK(counts.status().code() == ErrorCode::kInvalidArgument);
  CHECK_FALSE(store->ListObjects(run2 + 100).ok());
}

TEST_CASE("objects and findings are append-only; runs are never deleted") {
  TempDir dir;
  const std::string path = dir.File("prov.db");
  auto store = OpenStore(path);
  const int64_t run = BeginOrDie(*store);
  REQUIRE(store->RecordObject(run, Quarantined("q.dcm", 5)).ok());

  auto db = OpenRaw(path);
  auto refused = [&](const std::string& sql, const std::string& why) {
    CAPTURE(sql);
    Status s = db->Exec(sql);
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find(why) != std::string::npos);
  };
  refused("UPDATE objects SET state = 'released'", "append-only");
  refused("UPDATE objects SET reason = NULL", "append-only");
  refused("DELETE FROM objects", "append-only");
  refused("UPDATE findings SET detail = NULL", "append-only");
  refused("DELETE FROM findings", "append-only");
  refused("DELETE FROM runs", "DELETE refused");
  refused("UPDATE runs SET profile_name = 'other'", "only status");
  CHECK(Text(*db, "SELECT state FROM objects") == "quarantined");
  CHECK(Count(*db, "SELECT count(*) FROM findings") == 2);

  // Ending a run is the one allowed update, and it is final.
  REQUIRE(store->EndRun(run, "completed", "").ok());
  refused("UPDATE runs SET status = 'running', ended_at = NULL", "final");
  refused("UPDATE runs SET summary = '{}'", "final");
}

TEST_CASE("A failed RecordObject leaves nothing behind") {
  TempDir dir;
  const std::string path = dir.File("prov.db");
  auto store = OpenStore(path);
  const int64_t run = BeginOrDie(*store);
  auto db = OpenRaw(path);

  SUBCASE("unknown run id (foreign key)") {
    Status s = store->RecordObject(run + 1, Quarantined("q.dcm", 1));
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == ErrorCode::kDatabaseError);
    CHECK(s.message().find("FOREIGN KEY") != std::string::npos);
  }
  SUBCASE("a finding fails after the object row was written") {
    ObjectRecord o = Quarantined("q.dcm", 1);
    o.findings.push_back({"pixels", "bad", "{not json"});
    Status s = store->RecordObject(run, o);
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("CHECK constraint failed") != std::string::npos);
  }
  SUBCASE("a clear-text identifier where an HMAC belongs") {
    ObjectRecord o = Released("r.dcm", 1);
    o.hmac_patient_id = "DOE^JANE";
    Status s = store->RecordObject(run, o);
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("DOE") == std::string::npos);
    o.hmac_patient_id = "DOE^JANE" + std::string(56, 'a');  // 64 chars
    CHECK_FALSE(store->RecordObject(run, o).ok());
    o.hmac_patient_id = std::string(64, 'A');  // upper case: not our hex
    CHECK_FALSE(store->RecordObject(run, o).ok());
  }
  SUBCASE("an invalid state value") {
    ObjectRecord o = Rejected("r.dcm");
    o.state = static_cast<ObjectState>(42);
    CHECK_FALSE(store->RecordObject(run, o).ok());
  }
  CHECK(Count(*db, "SELECT count(*) FROM objects") == 0);
  CHECK(Count(*db, "SELECT count(*) FROM findings") == 0);

  // The store is still usable: the transaction was closed.
  REQUIRE(store->RecordObject(run, Quarantined("q.dcm", 1)).ok());
  CHECK(Count(*db, "SELECT count(*) FROM objects") == 1);
  CHECK(Count(*db, "SELECT count(*) FROM findings") == 2);
}

TEST_CASE("EndRun checks its arguments and an ended run takes no objects") {
  TempDir dir;
  auto store = OpenStore(dir.File("prov.db"));
  const int64_t run = BeginOrDie(*store);

  Status s = store->EndRun(run, "running", "");
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  s = store->EndRun(run + 1, "completed", "");
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  CHECK(s.message().find("no run") != std::string::npos);
  CHECK_FALSE(store->EndRun(run, "completed", "{bad json").ok());

  REQUIRE(store->EndRun(run, "failed", R"({"error":"IoError"})").ok());
  s = store->EndRun(run, "completed", "");
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  CHECK(s.message().find("already ended") != std::string::npos);

  s = store->RecordObject(run, Rejected("late.dcm"));
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("the run has ended") != std::string::npos);
}

TEST_CASE("RecordObject from 2 threads records every object") {
  TempDir dir;
  const std::string path = dir.File("prov.db");
  auto store = OpenStore(path);
  const int64_t run = BeginOrDie(*store);
  constexpr unsigned kPerThread = 1000;
  std::vector<int> failures(2, 0);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (unsigned i = 0; i < kPerThread; ++i) {
        const unsigned n = t * kPerThread + i;
        const std::string name = "t" + std::to_string(t) + "/" +
                                 std::to_string(i) + ".dcm";
        Status s = (i % 2 == 0)
                       ? store->RecordObject(run, Released(name, n))
                       : store->RecordObject(run, Quarantined(name, n));
        if (!s.ok()) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures[0] == 0);
  CHECK(failures[1] == 0);
  auto counts = store->CountStates(run);
  REQUIRE(counts.ok());
  CHECK(counts->released == kPerThread);
  CHECK(counts->quarantined == kPerThread);
  CHECK(store->ListObjects(run)->size() == 2 * kPerThread);
  auto db = OpenRaw(path);
  CHECK(Count(*db, "SELECT count(*) FROM findings") == 2 * kPerThread);
  CHECK(Count(*db, "SELECT count(DISTINCT source_path) FROM objects") ==
        2 * kPerThread);
}

TEST_CASE("MarkStaleRunsInterrupted ends runs left running by a crash") {
  TempDir dir;
  const std::string path = dir.File("prov.db");
  int64_t crashed = 0, done = 0, empty = 0;
  {
    auto store = OpenStore(path);
    done = BeginOrDie(*store);
    REQUIRE(store->EndRun(done, "completed", R"({"ok":true})").ok());
    crashed = BeginOrDie(*store);
    REQUIRE(store->RecordObject(crashed, Released("a.dcm", 1)).ok());
    REQUIRE(store->RecordObject(crashed, Released("b.dcm", 2)).ok());
    empty = BeginOrDie(*store);
  }  // the process "dies" without EndRun

  auto store = OpenStore(path);
  REQUIRE(store->MarkStaleRunsInterrupted().ok());
  auto db = OpenRaw(path);
  auto q = [&](const std::string& col, int64_t id) {
    return Text(*db, "SELECT " + col + " FROM runs WHERE id = " +
                         std::to_string(id));
  };
  CHECK(q("status", crashed) == "interrupted");
  CHECK(q("status", empty) == "interrupted");
  CHECK(q("status", done) == "completed");
  CHECK(q("summary", done) == R"({"ok":true})");
  // ended_at: the last sign of life.
  CHECK(q("ended_at", crashed) ==
        Text(*db, "SELECT max(processed_at) FROM objects WHERE run_id = " +
                      std::to_string(crashed)));
  CHECK(q("ended_at", empty) == q("started_at", empty));
  CHECK(q("json_type(summary, '$.marked_interrupted_at')", crashed) == "text");
  // Its objects are kept; it takes no more.
  CHECK(store->CountStates(crashed)->released == 2);
  CHECK_FALSE(store->RecordObject(crashed, Rejected("c.dcm")).ok());

  // Idempotent, and new runs work as usual.
  REQUIRE(store->MarkStaleRunsInterrupted().ok());
  const int64_t next = BeginOrDie(*store);
  REQUIRE(store->RecordObject(next, Rejected("c.dcm")).ok());
  CHECK(q("status", next) == "running");
}

}  // namespace
}  // namespace rwd::db

namespace rwd::db {
namespace {

// One decided series with one check value and the given qc JSON.
void DecideOne(ProvenanceStore& store, int64_t run, const std::string& series_uid, const std::string& qc_json,
               double noise) {
  SeriesRecord r;
  r.key = {"2.25.1", series_uid};
  r.hmac_series_uid = Hex64(42);
  r.modality = "CT";
  r.qc_json = qc_json;
  r.checks = {{"ct_noise", noise, 35.0, "pass"}, {"snr", std::nullopt, std::nullopt, "na"}};
  auto id = store.DecideSeries(run, r, {});
  REQUIRE_MESSAGE(id.ok(), id.status().ToString());
}

}  // namespace

TEST_CASE("QC history: the newest decision of each series of earlier runs, by group; bad groups and na values left out") {
  TempDir t;
  auto store = OpenStore(t.File("p.db"));
  const std::string group = Hex64(9);
  const std::string with_group = R"({"verdict":"pass","group":")" + group + "\"}";
  auto run1 = store->BeginRun(TestRun());
  REQUIRE(run1.ok());
  DecideOne(*store, *run1, "2.25.10", with_group, 10);
  DecideOne(*store, *run1, "2.25.11", R"({"verdict":"pass","group":"Synthetic Hospital"})", 99);  // not an HMAC
  DecideOne(*store, *run1, "2.25.12", R"({"verdict":"pass"})", 98);                             // no group
  REQUIRE(store->EndRun(*run1, "completed", "").ok());
  auto run2 = store->BeginRun(TestRun());
  REQUIRE(run2.ok());
  DecideOne(*store, *run2, "2.25.10", with_group, 12);  // the same series again: its newest value counts
  REQUIRE(store->EndRun(*run2, "completed", "").ok());
  auto run3 = store->BeginRun(TestRun());
  REQUIRE(run3.ok());
  DecideOne(*store, *run3, "2.25.13", with_group, 50);  // this run: not history for itself

  auto rows = [&](int64_t before) {
    std::vector<ProvenanceStore::QcHistoryRow> out;
    REQUIRE(store->ForEachQcHistory(before, [&](ProvenanceStore::QcHistoryRow&& r) { out.push_back(std::move(r)); }).ok());
    return out;
  };
  const auto h3 = rows(*run3);
  REQUIRE(h3.size() == 1);
  CHECK(h3[0].group == group);
  CHECK(h3[0].series_uid == "2.25.10");
  CHECK(h3[0].check == "ct_noise");
  CHECK(h3[0].value == 12);
  const auto h2 = rows(*run2);
  REQUIRE(h2.size() == 1);
  CHECK(h2[0].value == 10);
  CHECK(rows(*run1).empty());
}

}  // namespace rwd::db
