// The staging area, recovery after a crash, and the work dir lock.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "db/provenance_store.h"
#include "gateway/recovery.h"
#include "gateway/release/folder_release_sink.h"
#include "gateway/staging_area.h"
#include "gateway/workdir_lock.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::gateway;
using namespace rwd::testing;

namespace {
std::span<const uint8_t> Bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }
}  // namespace

TEST_CASE("staged files live beside the output's file system, owner-only, and move into the output by rename") {
  TempDir t;
  fs::create_directories(t.File("work"));
  auto staging = StagingArea::Open(t.File("out"), t.File("work"));
  REQUIRE(staging.ok());
  CHECK(staging->root() == t.File("work") + "/staging");  // same file system: in the work dir
  struct stat st {};
  REQUIRE(::stat(staging->root().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  auto p = staging->Write("P/S/R/I.dcm", Bytes("head"), Bytes("tail"));
  REQUIRE(p.ok());
  CHECK(ReadText(*p) == "headtail");
  CHECK(ListFiles(t.File("out")).empty());  // nothing in the output yet
  const std::string out = staging->OutputPath("P/S/R/I.dcm");
  REQUIRE(staging->Promote(*p, out).ok());
  CHECK(ReadText(out) == "headtail");
  CHECK_FALSE(fs::exists(*p));
  CHECK(staging->Promote(*p, out).ok());  // already moved (a crash after the rename): done
  CHECK_FALSE(staging->Promote(t.File("work/staging/none.dcm"), staging->OutputPath("x/none.dcm")).ok());
  REQUIRE(staging->Write("A/B/C/D.dcm", Bytes("x")).ok());
  auto cleared = staging->Clear();
  REQUIRE(cleared.ok());
  CHECK(*cleared >= 1);
  CHECK(ListFiles(staging->root()).empty());
}

TEST_CASE("recovery finishes a committed release, redoes staged objects, and removes leftovers") {
  TempDir t;
  fs::create_directories(t.File("work/quarantine"));
  auto store = db::ProvenanceStore::Open(t.File("work/rwdgate.db"));
  REQUIRE(store.ok());
  auto staging = StagingArea::Open(t.File("out"), t.File("work"));
  REQUIRE(staging.ok());
  auto run1 = (*store)->BeginRun({"p", std::string(64, '0'), "test", "", "", ""});
  REQUIRE(run1.ok());
  // Series A: its release committed, one file moved, one not; series B only staged.
  auto stage = [&](const std::string& series, const std::string& sop) {
    db::ObjectRecord r;
    r.source_path = series + sop;
    r.size_in = 1;
    r.state = db::ObjectState::kStaged;
    r.stage = "stage";
    r.new_study_uid = "2.25.1";
    r.new_series_uid = series;
    r.new_sop_uid = sop;
    const std::string rel = "P/2.25.1/" + series + "/" + sop + ".dcm";
    r.staging_path = staging->Write(rel, Bytes(sop)).value();
    r.output_path = staging->OutputPath(rel);
    return r;
  };
  std::vector<db::ObjectRecord> rows = {stage("2.25.10", "2.25.11"), stage("2.25.10", "2.25.12"),
                                        stage("2.25.20", "2.25.21")};
  REQUIRE((*store)->RecordObjects(*run1, rows).ok());
  auto staged = (*store)->StagedObjectsOf(*run1, {"2.25.1", "2.25.10"});
  REQUIRE(staged->size() == 2);
  db::SeriesRecord series;
  series.key = {"2.25.1", "2.25.10"};

  // Nothing held back: both staged objects of series A are released.
  std::vector<db::ObjectDecision> d;
  REQUIRE((*store)->DecideSeries(*run1, series, d).ok());
  REQUIRE(staging->Promote((*staged)[0].staging_path, (*staged)[0].output_path).ok());
  WriteText(t.File("work/quarantine/abc.dcm.part12345"), "partial");  // an interrupted quarantine copy
  // ... and the process dies here.

  REQUIRE((*store)->MarkStaleRunsInterrupted().ok());
  auto run2 = (*store)->BeginRun({"p", std::string(64, '0'), "test", "", "", ""});
  FolderReleaseSink sink(*staging);
  auto report = Recover(**store, *staging, sink, t.File("work/quarantine"), *run2);
  REQUIRE(report.ok());
  CHECK(report->series_finished == 1);
  CHECK(report->staged_redone == 1);
  CHECK(ReadText((*staged)[0].output_path) == "2.25.11");
  CHECK(ReadText((*staged)[1].output_path) == "2.25.12");
  CHECK(ListFiles(t.File("out")).size() == 2);  // series B never reaches the output
  CHECK(ListFiles(staging->root()).empty());
  CHECK_FALSE(fs::exists(t.File("work/quarantine/abc.dcm.part12345")));
  auto listed = (*store)->ListObjects(*run1);
  int released = 0, redone = 0;
  for (const auto& r : *listed) {
    if (r.state == "released") ++released;
    if (r.state == "rejected" && r.reason_code == "Interrupted") ++redone;
  }
  CHECK(released == 2);
  CHECK(redone == 1);
  CHECK((*store)->PendingRenames()->empty());
  // The audit trail: a final row cannot change again.
  CHECK_FALSE((*store)->DecideSeries(*run1, series, d).ok());
}

TEST_CASE("a second process on the same work dir is refused with the holder's pid") {
  TempDir t;
  auto first = WorkdirLock::Acquire(t.path().string());
  REQUIRE(first.ok());
  auto second = WorkdirLock::Acquire(t.path().string());
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().message() ==
        "another rwdgate (pid " + std::to_string(::getpid()) + ") is using " + t.path().string());
  CHECK(second.status().code() == ErrorCode::kUnsafe);
}
