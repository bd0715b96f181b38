// Sharded runs without Slurm (README "Sharded runs on a cluster"): plan +
// 4 x `run --plan --shard` as plain processes, at once, + merge give the
// same released files, byte for byte, as one `rwdgate run` of the export,
// and a merged database with one final state per input that `report` reads.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>

#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

const std::string kBin = RWDGATE_BIN;

// Released files by path relative to the output, with their bytes.
std::map<std::string, std::vector<uint8_t>> Released(const std::string& root) {
  std::map<std::string, std::vector<uint8_t>> out;
  for (const std::string& f : ListReleased(root)) out[fs::relative(f, root).string()] = ReadBytes(f);
  return out;
}

int64_t Query(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sql);
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

unsigned Mode(const std::string& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::string ShardRun(const std::string& plan, int shard, const std::string& out, const std::string& work,
                     const std::string& key, const std::string& profile = ProfilePath("basic.yaml")) {
  return kBin + " run --quiet --profile " + Quote(profile) + " --plan " + Quote(plan) + " --shard " +
         std::to_string(shard) + " --output " + Quote(out) + " --workdir " + Quote(work) + " --key " + Quote(key);
}

}  // namespace

TEST_CASE("sharded run: plan + 4 shards at once + merge = one run, byte for byte") {
  TempDir dir;
  const std::string in = dir.File("export"), key = dir.File("project.key");
  fixtures::ExportOptions opt;
  opt.patients = 6;  // patient 1 has two studies: 7 studies, plus the bad files
  fixtures::WriteSyntheticExport(in, opt);
  // The reference: one run (the key is made by it).
  GateRun single = RunGate(in, dir.File("single-out"), dir.File("single-work"), ProfilePath("basic.yaml"),
                           "--key " + Quote(key));
  REQUIRE_MESSAGE(single.cmd.exit_code == 0, single.cmd.err);
  const int64_t inputs = single.summary["files"].get<int64_t>();

  const std::string plan = dir.File("plan"), work = dir.File("work"), out = dir.File("out");
  CommandResult planned = RunShell(kBin + " plan --json --input " + Quote(in) + " --shards 4 --out " + Quote(plan) +
                                   " --workdir " + Quote(work) + " --key " + Quote(key));
  REQUIRE_MESSAGE(planned.exit_code == 0, planned.err);
  auto pj = nlohmann::json::parse(planned.out);
  CHECK(pj["files"].get<int64_t>() == inputs);
  CHECK(pj["studies"].get<int64_t>() == 7);
  CHECK(pj["unparsed"].get<int64_t>() >= 2);  // notes/readme.txt, empty.dcm
  // PHI-bearing: owner-only.
  CHECK(Mode(plan) == 0700);
  for (int i = 0; i < 4; ++i) CHECK(Mode(plan + "/shard-" + std::to_string(i) + ".list") == 0600);
  // Every study folder (PATnnnn/STUDYnn) lies in exactly one shard; the largest
  // shard holds at most what a whole patient adds to the smallest.
  std::map<std::string, std::set<int>> shards_of_study;
  int64_t listed = 0;
  for (int i = 0; i < 4; ++i) {
    std::string text = ReadText(plan + "/shard-" + std::to_string(i) + ".list");
    for (size_t at = 0, nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1) {
      const fs::path p(text.substr(at, nl - at));
      ++listed;
      auto it = p.begin();
      if (std::distance(p.begin(), p.end()) >= 4) shards_of_study[it->string() + "/" + std::next(it)->string()].insert(i);
    }
  }
  CHECK(listed == inputs);
  CHECK(shards_of_study.size() == 7);
  for (const auto& [study, in_shards] : shards_of_study) CHECK_MESSAGE(in_shards.size() == 1, study);
  // Balanced by bytes: the shards differ by at most the largest study (the
  // files outside PAT/STUDY folders are single-file groups, smaller still).
  std::map<std::string, uint64_t> study_bytes;
  for (const auto& e : fs::recursive_directory_iterator(in))
    if (e.is_regular_file()) {
      const fs::path rel = fs::relative(e.path(), in);
      auto it = rel.begin();
      study_bytes[std::distance(rel.begin(), rel.end()) >= 4 ? it->string() + "/" + std::next(it)->string()
                                                            : rel.string()] += e.file_size();
    }
  uint64_t largest = 0, most = 0, least = UINT64_MAX;
  for (const auto& [s, b] : study_bytes) largest = std::max(largest, b);
  for (const auto& b : pj["per_shard"]) {
    most = std::max(most, b["bytes"].get<uint64_t>());
    least = std::min(least, b["bytes"].get<uint64_t>());
  }
  CHECK(least > 0);
  CHECK(most - least <= largest);

  // Four shards at once, as four processes.
  std::string all = "rc=0; ";
  for (int i = 0; i < 4; ++i) all += "( " + ShardRun(plan, i, out, work, key) + " || echo shard" + std::to_string(i) + "-failed ) & ";
  all += "wait";
  CommandResult ran = RunShell(all);
  REQUIRE_MESSAGE(ran.out.find("failed") == std::string::npos, (ran.out + ran.err));
  for (int i = 0; i < 4; ++i) CHECK(fs::exists(work + "/shards/" + std::to_string(i) + "/rwdgate.db"));

  // Same answer: same paths, same bytes.
  const auto expected = Released(dir.File("single-out")), got = Released(out);
  CHECK(got.size() == expected.size());
  CHECK(got.size() == static_cast<size_t>(single.summary["released"].get<int64_t>()));
  for (const auto& [path, bytes] : expected) {
    auto it = got.find(path);
    REQUIRE_MESSAGE(it != got.end(), path);
    CHECK_MESSAGE(it->second == bytes, path);
  }

  CommandResult merged = RunShell(kBin + " merge --json --workdir " + Quote(work));
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  auto mj = nlohmann::json::parse(merged.out);
  CHECK(mj["already_merged"] == false);
  const int64_t run = mj["run_id"].get<int64_t>();
  const std::string db = work + "/rwdgate.db", ref_db = dir.File("single-work") + "/rwdgate.db";
  const std::string of_run = " FROM objects WHERE run_id = " + std::to_string(run);
  // One final state per input, the same counts as the single run, the same reasons.
  CHECK(Query(db, "SELECT count(*)" + of_run) == inputs);
  CHECK(Query(db, "SELECT count(DISTINCT source_path)" + of_run) == inputs);
  for (const char* state : {"released", "quarantined", "rejected"}) {
    const std::string where = std::string(" AND state = '") + state + "'";
    CHECK_MESSAGE(Query(db, "SELECT count(*)" + of_run + where) ==
                      Query(ref_db, "SELECT count(*) FROM objects WHERE run_id = 1" + where),
                  state);
  }
  CHECK(Query(db, "SELECT count(*) FROM (SELECT source_path, state, reason_code" + of_run +
                      " EXCEPT SELECT source_path, state, reason_code FROM objects)") == 0);
  CHECK(Query(db, "SELECT count(*) FROM series WHERE run_id = " + std::to_string(run)) ==
        Query(ref_db, "SELECT count(*) FROM series WHERE run_id = 1"));
  CHECK(Query(db, "SELECT count(*) FROM findings f JOIN objects o ON o.id = f.object_id WHERE o.run_id = " +
                      std::to_string(run)) == Query(ref_db, "SELECT count(*) FROM findings"));
  // The default: source paths as keyed HMACs, the same ones one run stores.
  CHECK(Query(db, "SELECT count(*)" + of_run + " AND source_path NOT LIKE 'hmac:%'") == 0);
  CHECK(Query(db, "SELECT count(*) FROM (SELECT source_path FROM objects WHERE run_id = " + std::to_string(run) +
                      " EXCEPT SELECT source_path FROM objects)") == 0);

  // The merged run's summary adds the shards' counts.
  const std::string summary = " FROM runs WHERE id = " + std::to_string(run);
  CHECK(Query(db, "SELECT json_extract(summary, '$.released')" + summary) == single.summary["released"].get<int64_t>());
  CHECK(Query(db, "SELECT json_extract(summary, '$.files')" + summary) == inputs);
  CHECK(Query(db, "SELECT json_extract(summary, '$.run_id')" + summary) == run);
  CHECK(Query(db, "SELECT json_extract(summary, '$.shards')" + summary) == 4);

  // Merging twice is harmless.
  CommandResult again = RunShell(kBin + " merge --json --workdir " + Quote(work));
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(nlohmann::json::parse(again.out)["already_merged"] == true);
  CHECK(Query(db, "SELECT count(*) FROM runs") == 1);
  CHECK(Query(db, "SELECT count(*) FROM objects") == inputs);

  // The merged run serves the report.
  CommandResult report = RunShell(kBin + " report --workdir " + Quote(work));
  CHECK_MESSAGE(report.exit_code == 0, report.err);
  CHECK(fs::exists(work + "/reports/run-" + std::to_string(run) + "/report.html"));

  // A shard rerun with another profile text (same rules): its output is the
  // same, but merge refuses the mix and writes nothing.
  const std::string edited = dir.File("basic-edited.yaml");
  WriteText(edited, ReadText(ProfilePath("basic.yaml")) + "\n# edited\n");
  CommandResult rerun = RunShell(ShardRun(plan, 2, out, work, key, edited));
  REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.err);
  CommandResult refused = RunShell(kBin + " merge --workdir " + Quote(work));
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("shard 2: another profile SHA-256") != std::string::npos);
  CHECK(Query(db, "SELECT count(*) FROM runs") == 1);
}

TEST_CASE("sharded run: a file of other bytes at an output path is quarantined, never overwritten") {
  TempDir dir;
  const std::string in = dir.File("export"), key = dir.File("project.key");
  fixtures::ExportOptions opt;
  opt.patients = 2;
  opt.with_bad_files = false;
  fixtures::WriteSyntheticExport(in, opt);
  GateRun single = RunGate(in, dir.File("single-out"), dir.File("single-work"), ProfilePath("basic.yaml"),
                           "--key " + Quote(key));
  REQUIRE(single.cmd.exit_code == 0);
  const auto expected = Released(dir.File("single-out"));
  REQUIRE(expected.size() > 2);

  const std::string plan = dir.File("plan"), work = dir.File("work"), out = dir.File("out");
  REQUIRE(RunShell(kBin + " plan --input " + Quote(in) + " --shards 2 --out " + Quote(plan) + " --workdir " +
                   Quote(work) + " --key " + Quote(key))
              .exit_code == 0);
  // Someone else's file where one object will go.
  const std::string victim = expected.begin()->first;
  fs::create_directories(fs::path(out + "/" + victim).parent_path());
  WriteText(out + "/" + victim, "not this object");
  for (int i = 0; i < 2; ++i) {
    CommandResult r = RunShell(ShardRun(plan, i, out, work, key));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
  CHECK(ReadText(out + "/" + victim) == "not this object");
  const auto got = Released(out);
  CHECK(got.size() == expected.size());  // the planted file and the others
  for (const auto& [path, bytes] : expected)
    if (path != victim) CHECK_MESSAGE(got.at(path) == bytes, path);
  int64_t collisions = 0;
  for (int i = 0; i < 2; ++i)
    collisions += Query(work + "/shards/" + std::to_string(i) + "/rwdgate.db",
                        "SELECT count(*) FROM objects WHERE state = 'quarantined' AND reason LIKE 'output collision%'");
  CHECK(collisions == 1);
  // The collision is a final state: merge accepts it.
  CHECK(RunShell(kBin + " merge --workdir " + Quote(work)).exit_code == 0);
}

TEST_CASE("merge refuses shards that overlap or miss a planned input, names inputs by path id, writes nothing") {
  TempDir dir;
  const std::string in = dir.File("export"), key = dir.File("project.key");
  fixtures::ExportOptions opt;
  opt.patients = 2;
  opt.with_bad_files = false;
  const auto manifest = fixtures::WriteSyntheticExport(in, opt);
  // A second copy of one instance under another folder: one run calls it a
  // duplicate; two shards each holding one copy would both release it.
  fs::create_directories(in + "/copy");
  fs::copy_file(in + "/" + manifest.dicom_files.front(), in + "/copy/same.dcm");

  const std::string plan = dir.File("plan"), work = dir.File("work"), out = dir.File("out");
  REQUIRE(RunShell(kBin + " plan --input " + Quote(in) + " --shards 2 --out " + Quote(plan) + " --workdir " +
                   Quote(work) + " --key " + Quote(key))
              .exit_code == 0);
  // Edit the plan by hand: the copy goes to the shard its original is not in.
  std::string lists[2] = {ReadText(plan + "/shard-0.list"), ReadText(plan + "/shard-1.list")};
  const int with_copy = lists[0].find("copy/same.dcm\n") != std::string::npos ? 0 : 1;
  REQUIRE(lists[with_copy].find("copy/same.dcm\n") != std::string::npos);
  lists[with_copy].erase(lists[with_copy].find("copy/same.dcm\n"), std::string("copy/same.dcm\n").size());
  lists[1 - with_copy] += "copy/same.dcm\n";
  const int original = lists[0].find(manifest.dicom_files.front() + "\n") != std::string::npos ? 0 : 1;
  REQUIRE(original != 1 - with_copy);
  for (int i = 0; i < 2; ++i) WriteText(plan + "/shard-" + std::to_string(i) + ".list", lists[i]);
  for (int i = 0; i < 2; ++i) REQUIRE(RunShell(ShardRun(plan, i, out, work, key)).exit_code == 0);
  // And a planned input that no shard processed (listed after the runs).
  WriteText(plan + "/shard-0.list", lists[0] + "PAT0009/late.dcm\n");

  CommandResult merged = RunShell(kBin + " merge --json --workdir " + Quote(work));
  CHECK(merged.exit_code == 1);
  auto j = nlohmann::json::parse(merged.out);
  CHECK(j["merged"] == false);
  std::map<std::string, int> problems;
  for (const auto& p : j["problems"]) ++problems[p["problem"].get<std::string>()];
  CHECK(problems["its new SOP Instance UID was released by another shard too"] == 2);
  CHECK(problems["its series was also decided by another shard"] >= 2);
  CHECK(problems["no final state (not processed by its shard)"] == 1);
  // Inputs are named by their keyed path id, never by the path (which may name a patient).
  for (const auto& p : j["problems"]) CHECK(p["input"].get<std::string>().rfind("hmac:", 0) == 0);
  CHECK(merged.err.find("copy/same.dcm") == std::string::npos);
  CHECK(merged.err.find("late.dcm") == std::string::npos);
  CHECK(merged.err.find("hmac:") != std::string::npos);
  CHECK(Query(work + "/rwdgate.db", "SELECT count(*) FROM runs") == 0);
  CHECK(Query(work + "/rwdgate.db", "SELECT count(*) FROM objects") == 0);
}
