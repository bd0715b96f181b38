// Unattended runs (issue 12): run --incremental on a 2,000-file export
// (nothing new: nothing processed, <= 10 % of the first run's wall time;
// 100 added files: exactly those), --incremental=verify, --log; and the
// listener under pressure: kill -9 in the middle of a transfer (every object
// whose C-STORE got Success is released after the restart, none twice), and
// a run while listen holds the work dir exits 3.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"
#include "tests/net/net_support.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

struct Timed {
  GateRun run;
  double seconds = 0;
};

Timed TimedRun(TempDir& t, const std::string& extra) {
  const auto start = std::chrono::steady_clock::now();
  Timed r;
  r.run = RunGate(t.File("in"), t.File("out"), t.File("work"), ProfilePath("basic.yaml"),
                  "--quiet --record-paths clear --log " + Quote(t.File("nightly.log")) + " " + extra);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

size_t CountSpooled(const std::string& spool) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(spool, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".dcm") ++n;
  return n;
}

std::string Sql(const std::string& db, const std::string& query) {
  std::string out = RunShell("sqlite3 " + Quote(db) + " " + Quote(query)).out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("run --incremental: 2,000 files, then nothing new, then 100 added, then one changed in place") {
  TempDir t;
  fixtures::ExportOptions opt;
  opt.bench_mode = true;
  opt.ct_slices = 2000;
  opt.rows = opt.cols = 256;
  fixtures::WriteSyntheticExport(t.File("in"), opt);

  Timed first = TimedRun(t, "--incremental");
  REQUIRE(first.run.cmd.exit_code == 0);
  REQUIRE(first.run.summary["files"].get<int>() == 2000);
  CHECK(first.run.summary["released"].get<int>() == 2000);

  Timed second = TimedRun(t, "--incremental");
  REQUIRE(second.run.cmd.exit_code == 0);
  CHECK(second.run.summary["files"].get<int>() == 0);
  CHECK(second.run.summary["skipped_unchanged"].get<int>() == 2000);
  // The bound, as a ratio of two runs on the same machine. The
  // machine is shared: of two runs with nothing new, the faster one counts
  // (both must process nothing).
  Timed again = TimedRun(t, "--incremental");
  CHECK(again.run.summary["files"].get<int>() == 0);
  second.seconds = std::min(second.seconds, again.seconds);
  CHECK_MESSAGE(second.seconds <= 0.10 * first.seconds,
                "first " << first.seconds << " s, second " << second.seconds << " s");
  MESSAGE("incremental, nothing new: " << second.seconds << " s vs first run " << first.seconds << " s");

  fixtures::ExportOptions more = opt;
  more.ct_slices = 100;
  more.seed = 2;
  fixtures::WriteSyntheticExport(t.File("in/added"), more);
  Timed third = TimedRun(t, "--incremental");
  REQUIRE(third.run.cmd.exit_code == 0);
  CHECK(third.run.summary["files"].get<int>() == 100);
  CHECK(third.run.summary["released"].get<int>() == 100);
  CHECK(third.run.summary["skipped_unchanged"].get<int>() == 2000);
  const std::string db = t.File("work/rwdgate.db");
  CHECK(Sql(db, "SELECT count(*) FROM objects WHERE run_id = 4 AND source_path LIKE 'added/%'") == "100");
  CHECK(Sql(db, "SELECT count(DISTINCT key_fingerprint) FROM runs") == "1");

  // One file changed in place, same size and mtime: trusted by default, caught by =verify.
  const std::string victim = ListFiles(t.File("in/added")).front();
  RunShell("cp -p " + Quote(victim) + " " + Quote(t.File("ref")));
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.put('\x5a');
  }
  RunShell("touch -r " + Quote(t.File("ref")) + " " + Quote(victim));
  Timed trusted = TimedRun(t, "--incremental");
  CHECK(trusted.run.summary["files"].get<int>() == 0);
  Timed verified = TimedRun(t, "--incremental=verify");
  REQUIRE(verified.run.cmd.exit_code == 0);
  CHECK(verified.run.summary["files"].get<int>() == 1);
  // Another key: nothing is trusted.
  Timed other_key = TimedRun(t, "--incremental --key " + Quote(t.File("other.key")));
  CHECK(other_key.run.summary["files"].get<int>() == 2100);

  // The log: one line per run-level event, no PHI (bench mode plants its tokens too).
  const std::string log = ReadText(t.File("nightly.log"));
  size_t starts = 0, ends = 0;
  for (size_t p = 0; (p = log.find(" start run=", p)) != std::string::npos; ++p) ++starts;
  for (size_t p = 0; (p = log.find(" end run=", p)) != std::string::npos; ++p) ++ends;
  CHECK(starts == 7);
  CHECK(ends == 7);
  CHECK(log.find("PHIQX") == std::string::npos);
}

TEST_CASE("listen: kill -9 mid-transfer, restart: every acknowledged object released once; run meanwhile exits 3") {
  TempDir t;
  fixtures::ExportOptions opt;
  opt.bench_mode = true;
  opt.ct_slices = 200;
  opt.rows = opt.cols = 32;
  fixtures::WriteSyntheticExport(t.File("in"), opt);
  const int port = FreePort();
  const std::string cmd = std::string(RWDGATE_BIN) + " listen --json --profile " + Quote(ProfilePath("basic.yaml")) +
                          " --workdir " + Quote(t.File("work")) + " --output " + Quote(t.File("out")) + " --port " +
                          std::to_string(port) + " --ae RWDGATE --allow PACS --series-idle 1 --workers 2";
  size_t spooled_at_kill = 0;
  int acknowledged = 0;
  {
    Child listen(cmd, t.File("l1.out"), t.File("l1.err"));
    REQUIRE(WaitForPort(port, 20));
    // The work dir is held: a run exits 3.
    GateRun busy = RunGate(t.File("in"), t.File("out2"), t.File("work"));
    CHECK(busy.cmd.exit_code == 3);
    Child sender("storescu -v -aet PACS -aec RWDGATE 127.0.0.1 " + std::to_string(port) + " +sd +r " + Quote(t.File("in")),
                 t.File("scu.out"), t.File("scu.err"));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (CountSpooled(t.File("work/spool")) < 60 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(listen.Stop(SIGKILL, 10) == 128 + SIGKILL);
    sender.Wait(30);
    spooled_at_kill = CountSpooled(t.File("work/spool"));
    const std::string log = ReadText(t.File("scu.out")) + ReadText(t.File("scu.err"));
    for (size_t p = 0; (p = log.find("Received Store Response (Success)", p)) != std::string::npos; ++p) ++acknowledged;
  }
  REQUIRE(acknowledged >= 50);
  CHECK(acknowledged < 200);  // the kill came in the middle
  CHECK(spooled_at_kill >= static_cast<size_t>(acknowledged));  // durable before the response
  CHECK(spooled_at_kill <= static_cast<size_t>(acknowledged) + 1);  // at most the one being answered

  // Restart: the spool is processed first.
  {
    Child listen(cmd, t.File("l2.out"), t.File("l2.err"));
    REQUIRE(WaitForPort(port, 60));
    const int code = listen.Stop(SIGTERM, 60);
    CHECK_MESSAGE(code == 0, ReadText(t.File("l2.err")));
  }
  nlohmann::json s = nlohmann::json::parse(ReadText(t.File("l2.out")), nullptr, false);
  REQUIRE(s.is_object());
  CHECK(s["released"].get<size_t>() == spooled_at_kill);
  const std::string db = t.File("work/rwdgate.db");
  CHECK(Sql(db, "SELECT count(*), count(DISTINCT new_sop_uid) FROM objects WHERE state = 'released'") ==
        std::to_string(spooled_at_kill) + "|" + std::to_string(spooled_at_kill));
  CHECK(ListReleased(t.File("out")).size() == spooled_at_kill);
  CHECK(CountSpooled(t.File("work/spool")) == 0);
}

TEST_CASE("listen: a nearly full spool disk refuses objects (out of resources) and keeps nothing") {
  TempDir t;
  fixtures::ExportOptions opt;
  opt.bench_mode = true;
  opt.ct_slices = 3;
  opt.rows = opt.cols = 32;
  fixtures::WriteSyntheticExport(t.File("in"), opt);
  const int port = FreePort();
  // No file system has 10^9 MB free: every object is refused.
  Child listen(std::string(RWDGATE_BIN) + " listen --json --profile " + Quote(ProfilePath("basic.yaml")) + " --workdir " +
                   Quote(t.File("work")) + " --output " + Quote(t.File("out")) + " --port " + std::to_string(port) +
                   " --ae RWDGATE --allow PACS --series-idle 1 --min-free-mb 1000000000",
               t.File("l.out"), t.File("l.err"));
  REQUIRE(WaitForPort(port, 20));
  // storescu stops at the first refusal.
  CommandResult sent = RunShell("storescu -v -aet PACS -aec RWDGATE 127.0.0.1 " + std::to_string(port) + " +sd +r " +
                                Quote(t.File("in")));
  CHECK(sent.exit_code != 0);
  CHECK((sent.out + sent.err).find("Received Store Response (Refused: OutOfResources)") != std::string::npos);
  CHECK((sent.out + sent.err).find("(Success)") == std::string::npos);
  CHECK(listen.Stop(SIGTERM, 60) == 0);
  nlohmann::json s = nlohmann::json::parse(ReadText(t.File("l.out")), nullptr, false);
  REQUIRE(s.is_object());
  CHECK(s["objects_refused"].get<int>() >= 1);
  CHECK(s["objects_received"].get<int>() == 0);
  CHECK(s["files"].get<int>() == 0);
  CHECK(CountSpooled(t.File("work/spool")) == 0);
  CHECK(ListFiles(t.File("work/spool")).empty());
}
