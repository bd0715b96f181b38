// Crash safety (DESIGN.md "The pipeline"): rwdgate run killed with SIGKILL at
// random moments over a 5,000-file multi-series export. After every kill the
// output may only hold files whose rows say released; a rerun finishes the
// job with the same bytes as an uninterrupted run and leaves nothing behind.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"

extern char** environ;
namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

struct Rows {
  std::map<std::string, std::string> released;  // output path -> staging path
  std::set<std::string> releasing_staged;       // staged files of series still 'releasing'
  int64_t staged = 0;
  int64_t interrupted_runs = 0;
};

Rows ReadRows(const std::string& db_path) {
  Rows r;
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  auto each = [&](const char* sql, auto fn) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) fn(st);
    sqlite3_finalize(st);
  };
  auto text = [](sqlite3_stmt* st, int i) {
    const unsigned char* t = sqlite3_column_text(st, i);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
  };
  each("SELECT output_path, staging_path FROM objects WHERE state = 'released'",
       [&](sqlite3_stmt* st) { r.released[text(st, 0)] = text(st, 1); });
  each("SELECT o.staging_path FROM objects o JOIN series s ON o.series_id = s.id WHERE s.state = 'releasing'",
       [&](sqlite3_stmt* st) { r.releasing_staged.insert(text(st, 0)); });
  each("SELECT count(*) FROM objects WHERE state = 'staged'", [&](sqlite3_stmt* st) { r.staged = sqlite3_column_int64(st, 0); });
  each("SELECT count(*) FROM runs WHERE status = 'interrupted'",
       [&](sqlite3_stmt* st) { r.interrupted_runs = sqlite3_column_int64(st, 0); });
  sqlite3_close(db);
  return r;
}

std::set<std::string> Files(const std::string& root) {
  std::set<std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.insert(e.path().string());
  return out;
}

// The released objects: the output without its manifest files at the top
// (the manifest is written and signed when the run ends; its lines carry
// times, so it is the one file a rerun does not reproduce byte for byte).
std::set<std::string> Objects(const std::string& root) {
  std::set<std::string> out;
  for (const std::string& f : Files(root))
    if (fs::path(f).parent_path() != fs::path(root) || fs::path(f).filename().string().rfind("manifest.", 0) != 0)
      out.insert(f);
  return out;
}

pid_t Start(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

}  // namespace

TEST_CASE("kill -9 at 10 random moments: the output only holds released files; reruns finish identically") {
  TempDir t;
  fixtures::ExportOptions o;
  o.patients = 50;
  o.ct_slices = 80;
  o.mr_slices = 20;  // 50 patients x (CT 80 + MR 20) = 5,000 objects in 100 series (+ broken files)
  const auto manifest = fixtures::WriteSyntheticExport(t.File("in"), o);
  const size_t inputs = manifest.dicom_files.size() + manifest.bad_files.size();
  REQUIRE(manifest.dicom_files.size() >= 5000);
  WriteText(t.File("key"), std::string(64, 'a'));
  fs::permissions(t.File("key"), fs::perms::owner_read | fs::perms::owner_write);
  const std::string key = "--key " + Quote(t.File("key"));

  // The reference: one uninterrupted run.
  const auto t0 = std::chrono::steady_clock::now();
  GateRun ref = RunGate(t.File("in"), t.File("ref_out"), t.File("ref_work"), ProfilePath("basic.yaml"), key);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(ref.cmd.exit_code == 0);
  const std::set<std::string> ref_files = Objects(t.File("ref_out"));
  REQUIRE(ref_files.size() == static_cast<size_t>(ref.summary["released"].get<int64_t>()));

  const std::string out = t.File("out"), work = t.File("work"), db = work + "/rwdgate.db";
  const std::vector<std::string> cmd = {RWDGATE_BIN, "run", "--quiet", "--profile", ProfilePath("basic.yaml"), "--input",
                                        t.File("in"), "--output", out, "--workdir", work, "--key", t.File("key")};
  std::mt19937 rng(20261201);
  double latest = 0.9;  // of the reference run's time; shrinks when a run ends before its kill
  int interrupted = 0;
  for (int attempt = 1; interrupted < 10 && attempt <= 30; ++attempt) {
    const double delay = std::uniform_real_distribution<double>(0.02, latest)(rng) * seconds;
    const int kill_no = interrupted + 1;
    CAPTURE(kill_no);
    CAPTURE(delay);
    const pid_t pid = Start(cmd);
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) {
      latest *= 0.8;  // it finished first: aim earlier
      continue;
    }
    ++interrupted;
    if (!fs::exists(db)) continue;  // killed before the database existed

    // Right after the kill: every output file has a released row; a released
    // row without its file is only possible for a series whose release was
    // committed and not finished (its staged file still there).
    const Rows rows = ReadRows(db);
    for (const std::string& f : Objects(out)) {
      INFO("output file without a released row: " << f);
      CHECK(rows.released.count(f) == 1);
    }
    for (const auto& [path, staged] : rows.released) {
      if (fs::exists(path)) continue;
      INFO("released row without its file: " << path);
      CHECK((rows.releasing_staged.count(staged) == 1 && fs::exists(staged)));
    }

    if (interrupted % 5 != 0) continue;
    // Rerun to the end: one final state per input, the reference's bytes.
    GateRun rerun = RunGate(t.File("in"), out, work, ProfilePath("basic.yaml"), key);
    REQUIRE(rerun.cmd.exit_code == 0);
    const auto& s = rerun.summary;
    CHECK(s["released"].get<int64_t>() + s["quarantined"].get<int64_t>() + s["rejected"].get<int64_t>() ==
          static_cast<int64_t>(inputs));
    CHECK(ReadRows(db).staged == 0);
    const std::set<std::string> files = Objects(out);
    CHECK(files.size() == static_cast<size_t>(s["released"].get<int64_t>()));
    CHECK(files.size() == ref_files.size());
    for (const std::string& f : ref_files) {
      const std::string mine = out + f.substr(t.File("ref_out").size());
      INFO(mine);
      REQUIRE(files.count(mine) == 1);
      CHECK(ReadBytes(mine) == ReadBytes(f));
    }
    // Nothing left behind: no staging file, no temporary file anywhere.
    CHECK(Files(work + "/staging").empty());
    for (const std::string& f : Files(work))
      CHECK(f.find(".part") == std::string::npos);
    for (const std::string& f : files) CHECK(f.find(".part") == std::string::npos);
    // The signed manifest lists every file, those the killed runs released
    // included, and every released row records its line.
    CommandResult v = RunShell(std::string(RWDGATE_BIN) + " verify " + Quote(out) + " --workdir " + Quote(work));
    CHECK_MESSAGE(v.exit_code == 0, v.out.substr(0, 2000));
  }
  CHECK(interrupted == 10);
  // Each killed run that got as far as its run row is marked interrupted by
  // the next start (the last kill's run is marked by the rerun after it).
  CHECK(ReadRows(db).interrupted_runs >= interrupted - 1);
}
