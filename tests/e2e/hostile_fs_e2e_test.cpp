// PHI at rest and hostile file systems: a PACS export whose folders are
// named after patients leaves no name, MRN or accession anywhere in the work
// dir but the quarantine's originals; the work dir is owner-only; links
// planted in the output or the work dir send nothing elsewhere.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"
#include "tests/support/dicom_bytes.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

unsigned Mode(const std::string& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

bool Contains(const std::vector<uint8_t>& bytes, const std::string& token) {
  return std::search(bytes.begin(), bytes.end(), token.begin(), token.end()) != bytes.end();
}

}  // namespace

TEST_CASE("PACS folders named after patients: no planted token at rest outside the quarantine; owner-only work dir") {
  TempDir t;
  fixtures::ExportOptions o;
  o.patients = 2;
  o.with_ultrasound = true;  // at risk of burned-in text under basic.yaml: quarantined, its original kept
  // The export nested under folders that carry a name, an MRN and an accession.
  const std::string pacs = "in/ZZTESTPERSON^JOHANNA_99887766/ACCQZ55443322";
  const auto manifest = fixtures::WriteSyntheticExport(t.File(pacs), o);
  {  // one object without a Study Instance UID: released with a new keyed one
    SyntheticIds id;
    id.study = "";
    Bytes orphan = Part10Header(id.sop_class, id.sop_instance);
    Append(orphan, IdentifyingElements(id));
    WriteText(t.File(pacs + "/ORPHAN.dcm"), std::string(orphan.begin(), orphan.end()));
  }
  const mode_t umask_before = ::umask(022);  // a cron job's usual umask: rwdgate must not rely on it
  GateRun r = RunGate(t.File("in"), t.File("out"), t.File("work"), ProfilePath("basic.yaml"), "");  // rwdgate's defaults
  REQUIRE(r.cmd.exit_code == 0);
  REQUIRE(r.summary["quarantined"].get<int>() + r.summary["released"].get<int>() > 0);
  std::vector<std::string> tokens = manifest.phi_tokens;
  for (const char* t2 : {"ZZTESTPERSON", "JOHANNA", "99887766", "ACCQZ55443322"}) tokens.push_back(t2);
  const std::string work = t.File("work");
  int scanned = 0;
  for (const std::string& f : ListFiles(work)) {
    if (f.rfind(work + "/quarantine/", 0) == 0) continue;  // the originals, by design
    const auto bytes = ReadBytes(f);
    ++scanned;
    for (const std::string& token : tokens) {
      INFO(f << " holds a planted token");
      CHECK_FALSE(Contains(bytes, token));
    }
  }
  CHECK(scanned >= 4);  // database (+ wal), key, lock, reports
  for (const std::string& token : tokens) {
    CHECK(r.cmd.err.find(token) == std::string::npos);
    CHECK(r.cmd.out.find(token) == std::string::npos);
  }
  CHECK(Mode(work) == 0700);
  CHECK(Mode(work + "/rwdgate.db") == 0600);
  CHECK(Mode(work + "/project.key") == 0600);
  CHECK(Mode(work + "/signing.key") == 0600);
  CHECK(Mode(work + "/quarantine") == 0700);
  // Everything else too (reports, manifests, QC results, renders, logs, the
  // quarantine's originals): files 0600, folders 0700, whatever the umask.
  int files = 0, folders = 0;
  bool report_seen = false, quarantined_seen = false;
  for (const auto& e : fs::recursive_directory_iterator(work)) {
    const std::string p = e.path().string();
    INFO(p);
    if (e.is_symlink()) FAIL("a link in the work dir");
    if (e.is_directory()) {
      ++folders;
      CHECK(Mode(p) == 0700);
    } else {
      ++files;
      CHECK(Mode(p) == 0600);
      report_seen = report_seen || e.path().filename() == "report.html";
      quarantined_seen = quarantined_seen || p.rfind(work + "/quarantine/", 0) == 0;
    }
  }
  ::umask(umask_before);
  CHECK(report_seen);       // with manifest.csv, manifest.json and qc.json beside it
  CHECK(quarantined_seen);  // the export has objects that are quarantined
  CHECK(files >= 8);
  CHECK(folders >= 3);
}

TEST_CASE("a link planted at OUTPUT/<patient> holds that patient's series back; a linked quarantine is refused") {
  TempDir t;
  fixtures::ExportOptions o;
  o.patients = 2;
  o.with_bad_files = false;
  fixtures::WriteSyntheticExport(t.File("in"), o);
  WriteText(t.File("key"), std::string(64, 'b'));
  fs::permissions(t.File("key"), fs::perms::owner_read | fs::perms::owner_write);
  const std::string key = "--key " + Quote(t.File("key"));  // the same pseudonyms in every run
  GateRun first = RunGate(t.File("in"), t.File("out1"), t.File("work1"), ProfilePath("basic.yaml"), key);
  REQUIRE(first.cmd.exit_code == 0);
  std::string patient;
  for (const auto& e : fs::directory_iterator(t.File("out1")))
    if (e.is_directory()) patient = e.path().filename().string();
  REQUIRE(!patient.empty());

  fs::create_directories(t.File("out2"));
  fs::create_directories(t.File("elsewhere"));
  fs::create_directory_symlink(t.File("elsewhere"), t.File("out2/" + patient));
  GateRun r = RunGate(t.File("in"), t.File("out2"), t.File("work2"), ProfilePath("basic.yaml"), key);
  REQUIRE(r.cmd.exit_code == 0);
  CHECK(ListFiles(t.File("elsewhere")).empty());
  CHECK(r.summary["quarantined"].get<int>() > 0);
  CHECK(r.summary["released"].get<int>() > 0);  // the other patient
  CHECK(r.summary["released"].get<int>() + r.summary["quarantined"].get<int>() ==
        first.summary["released"].get<int>());

  fs::create_directories(t.File("work3"));
  fs::create_directories(t.File("stolen"));
  fs::create_directory_symlink(t.File("stolen"), t.File("work3/quarantine"));
  WriteText(t.File("in/broken.dcm"), "DICM but not really");  // something to quarantine or reject
  GateRun q = RunGate(t.File("in"), t.File("out3"), t.File("work3"), ProfilePath("basic.yaml"), key);
  CHECK(q.cmd.exit_code == 1);
  CHECK(q.cmd.err.find("symbolic link") != std::string::npos);
  CHECK(ListFiles(t.File("stolen")).empty());
}
