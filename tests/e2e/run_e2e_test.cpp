// The pipeline end to end on a synthetic PACS export with planted PHI.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/crypto.h"
#include "core/dicom_file.h"
#include "db/provenance_store.h"
#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

struct Exported {
  TempDir dir;
  fixtures::ExportManifest manifest;
  std::string in() const { return dir.File("in"); }
  std::string out() const { return dir.File("out"); }
  std::string work() const { return dir.File("work"); }
};

struct MadeExport : Exported {
  explicit MadeExport(bool ultrasound = false) {
    fixtures::ExportOptions o;
    o.patients = 3;
    o.with_ultrasound = ultrasound;
    manifest = fixtures::WriteSyntheticExport(in(), o);
  }
};

// All (tag, value) pairs of an object, recursively, for UI elements.
void CollectUids(DicomItem item, std::multimap<std::string, std::string>& out) {
  item.Walk([&](ElementRef& e) {
    if (e.is_sequence()) {
      for (size_t i = 0; i < e.NumItems(); ++i) CollectUids(e.Item(i), out);
    } else if (e.vr() == "UI") {
      if (auto v = e.GetString(); v.ok()) out.emplace(KeywordOf(e.tag()), *v);
    }
    return DicomItem::Visit::kKeep;
  });
}

std::string TreeHash(const std::string& root) {
  Sha256 h;
  for (const auto& f : ListFiles(root)) {
    h.Update(f);
    h.Update(std::string_view(reinterpret_cast<const char*>(ReadBytes(f).data()), ReadBytes(f).size()));
  }
  return ToHex(h.Finish());
}

}  // namespace

TEST_CASE("no planted PHI token and no original UID survives in any output byte") {
  MadeExport e;
  const std::string before = TreeHash(e.in());
  GateRun r = RunGate(e.in(), e.out(), e.work());
  REQUIRE_MESSAGE(r.cmd.exit_code == 0, r.cmd.err);
  REQUIRE(r.summary.is_object());
  const auto files = ListReleased(e.out());
  CHECK(static_cast<int64_t>(files.size()) == r.summary["released"].get<int64_t>());
  CHECK(files.size() == e.manifest.dicom_files.size());
  REQUIRE(e.manifest.phi_tokens.size() > 100);
  for (const std::string& f : files) {
    const std::vector<uint8_t> bytes = ReadBytes(f);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    for (size_t i = 0; i < e.manifest.phi_tokens.size(); ++i)
      CHECK_MESSAGE(text.find(e.manifest.phi_tokens[i]) == std::string_view::npos,
                    e.manifest.phi_token_sources[i], " survives in ", f);
    for (const std::string& uid : e.manifest.original_uids)
      CHECK_MESSAGE(text.find(uid) == std::string_view::npos, "original UID survives in ", f);
  }
  CHECK_MESSAGE(TreeHash(e.in()) == before, "the input tree must not change");
  // No attribute value at rest outside the input and the quarantine: not in
  // the database (WAL checkpointed when the run closed), nor in what was printed.
  for (const std::string& where : {e.work() + "/rwdgate.db", std::string()}) {
    std::string text = where.empty() ? r.cmd.out + r.cmd.err : ReadText(where);
    for (const std::string& f : ListFiles(e.work()))
      if (f.find("rwdgate.db") != std::string::npos && where.size()) text += ReadText(f);
    for (const std::string& t : e.manifest.phi_tokens)
      CHECK_MESSAGE(text.find(t) == std::string::npos, t, " found in ", where.empty() ? "the output" : where);
    for (const std::string& uid : e.manifest.original_uids)
      CHECK_MESSAGE(text.find(uid) == std::string::npos, "an original UID found in ", where.empty() ? "the output" : where);
  }
}

TEST_CASE("every UID in the output is new, and references point at the new UIDs of their targets") {
  MadeExport e;
  GateRun r = RunGate(e.in(), e.out(), e.work());
  REQUIRE(r.cmd.exit_code == 0);
  std::set<std::string> instances;
  std::multimap<std::string, std::string> all;
  for (const std::string& f : ListReleased(e.out())) {
    auto parsed = DicomFile::Parse(ReadBytes(f));
    REQUIRE(parsed.ok());
    instances.insert(parsed->dataset().GetString({0x0008, 0x0018}).value_or(""));
    CollectUids(parsed->dataset(), all);
    CHECK(parsed->dataset().GetString({0x0012, 0x0062}).value_or("") == "YES");
    CHECK(parsed->meta().GetString({0x0002, 0x0003}) == parsed->dataset().GetString({0x0008, 0x0018}));
  }
  int references = 0;
  for (const auto& [keyword, uid] : all) {
    if (keyword.find("ClassUID") != std::string::npos) continue;
    CHECK_MESSAGE(uid.rfind("2.25.", 0) == 0, keyword, " is not a new 2.25 UID");
    CHECK(uid.size() <= 64);
    if (keyword == "ReferencedSOPInstanceUID") {
      ++references;
      CHECK_MESSAGE(instances.count(uid) == 1, "a reference does not point at a released instance");
    }
  }
  CHECK(references > 10);
}

TEST_CASE("every input file ends in exactly one state with a reason, bad files included") {
  MadeExport e;
  GateRun r = RunGate(e.in(), e.out(), e.work());
  REQUIRE(r.cmd.exit_code == 0);
  auto store = db::ProvenanceStore::Open(e.work() + "/rwdgate.db");
  REQUIRE(store.ok());
  auto rows = (*store)->ListObjects(r.summary["run_id"].get<int64_t>());
  REQUIRE(rows.ok());
  const size_t inputs = ListFiles(e.in()).size();
  CHECK(rows->size() == inputs);
  std::map<std::string, db::ProvenanceStore::ObjectRow> by_path;
  for (const auto& row : *rows) by_path[row.source_path] = row;
  CHECK(by_path.size() == inputs);
  for (const std::string& bad : e.manifest.bad_files) {
    REQUIRE_MESSAGE(by_path.count(bad), bad);
    CHECK(by_path[bad].state == "rejected");
    CHECK_FALSE(by_path[bad].reason.empty());
  }
  CHECK(by_path["notes/readme.txt"].reason_code == "NotDicom");
  CHECK(by_path["PAT0001/empty.dcm"].reason_code == "EmptyFile");
  CHECK(by_path["PAT0002/STUDY01/broken.dcm"].reason_code == "Truncated");
  for (const std::string& good : e.manifest.dicom_files) {
    CHECK_MESSAGE(by_path[good].state == "released", good, ": ", by_path[good].reason);
    CHECK(by_path[good].sha256_in.size() == 64);
    CHECK(by_path[good].sha256_out == Sha256Hex(ReadBytes(by_path[good].output_path)));
  }
  CHECK(r.summary["rejected"].get<int>() == static_cast<int>(e.manifest.bad_files.size()));
}

TEST_CASE("a rerun with the same key gives byte-identical output files") {
  MadeExport e;
  GateRun a = RunGate(e.in(), e.out(), e.work());
  GateRun b = RunGate(e.in(), e.dir.File("out2"), e.work());
  REQUIRE(a.cmd.exit_code == 0);
  REQUIRE(b.cmd.exit_code == 0);
  CHECK(a.summary["key_created"] == true);
  CHECK(b.summary["key_created"] == false);
  auto fa = ListReleased(e.out()), fb = ListReleased(e.dir.File("out2"));
  REQUIRE(fa.size() == fb.size());
  for (size_t i = 0; i < fa.size(); ++i) {
    CHECK(fs::relative(fa[i], e.out()) == fs::relative(fb[i], e.dir.File("out2")));
    CHECK(ReadBytes(fa[i]) == ReadBytes(fb[i]));
  }
  // A different key gives different pseudonyms and UIDs.
  GateRun c = RunGate(e.in(), e.dir.File("out3"), e.dir.File("work3"));
  REQUIRE(c.cmd.exit_code == 0);
  auto fc = ListReleased(e.dir.File("out3"));
  REQUIRE(fc.size() == fa.size());
  CHECK(fs::relative(fc[0], e.dir.File("out3")) != fs::relative(fa[0], e.out()));
}

TEST_CASE("the key file is created owner-only and the summary says so") {
  MadeExport e;
  GateRun r = RunGate(e.in(), e.out(), e.work());
  REQUIRE(r.cmd.exit_code == 0);
  struct stat st {};
  REQUIRE(::stat((e.work() + "/project.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(r.cmd.err.find("NEW key created") != std::string::npos);
  REQUIRE(::stat((e.work() + "/quarantine").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  // A key others can read is refused.
  ::chmod((e.work() + "/project.key").c_str(), 0644);
  GateRun again = RunGate(e.in(), e.out(), e.work());
  CHECK(again.cmd.exit_code == 2);
  CHECK(again.cmd.err.find("chmod 600") != std::string::npos);
}

TEST_CASE("images at risk of burned-in text are quarantined with the original kept") {
  MadeExport e(/*ultrasound=*/true);
  GateRun r = RunGate(e.in(), e.out(), e.work());
  REQUIRE(r.cmd.exit_code == 0);
  CHECK(r.summary["quarantined"].get<int>() == 1);
  auto store = db::ProvenanceStore::Open(e.work() + "/rwdgate.db");
  auto rows = (*store)->ListObjects(r.summary["run_id"].get<int64_t>());
  int found = 0;
  for (const auto& row : *rows)
    if (row.state == "quarantined") {
      ++found;
      CHECK(row.reason.find("burned-in") != std::string::npos);
      CHECK(Sha256Hex(ReadBytes(row.output_path)) == row.sha256_in);
    }
  CHECK(found == 1);
}

TEST_CASE("usage and profile errors exit 2 with a clear message; the summary is JSON for scripts") {
  MadeExport e;
  WriteText(e.dir.File("bad.yaml"), "name: x\noptions:\n  retain_uid: true\n");
  GateRun bad = RunGate(e.in(), e.out(), e.work(), e.dir.File("bad.yaml"));
  CHECK(bad.cmd.exit_code == 2);
  CHECK(bad.cmd.err.find("bad.yaml:3:3: unknown key 'retain_uid'") != std::string::npos);
  CHECK_FALSE(fs::exists(e.out()));

  GateRun missing = RunGate(e.dir.File("nope"), e.out(), e.work());
  CHECK(missing.cmd.exit_code == 2);

  CommandResult no_args = RunShell(std::string(RWDGATE_BIN) + " run");
  CHECK(no_args.exit_code == 2);

  GateRun inside = RunGate(e.in(), e.in() + "/out", e.work());
  CHECK(inside.cmd.exit_code == 2);

  GateRun ok = RunGate(e.in(), e.out(), e.work());
  REQUIRE(ok.cmd.exit_code == 0);
  for (const char* k : {"released", "quarantined", "rejected"}) CHECK(ok.summary[k].is_number_integer());
}
