// dciodvfy (the standard's validator, Debian package dicom3tools) must not
// find errors in a de-identified file that it did not find in the original.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "db/provenance_store.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

std::set<std::string> ErrorLines(const std::string& file) {
  CommandResult r = RunShell("dciodvfy " + Quote(file));
  std::set<std::string> errors;
  std::istringstream in(r.out + r.err);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Error", 0) == 0) errors.insert(line);
  return errors;
}

}  // namespace

TEST_CASE("dciodvfy reports no new error on de-identified real files") {
  REQUIRE_MESSAGE(RunShell("command -v dciodvfy").exit_code == 0, "dciodvfy missing: run scripts/install-deps.sh");
  const std::string pyd = RWD_PYDICOM_TEST_FILES, oct = RWD_OCTAVE_IMDATA;
  const std::vector<std::string> originals = {
      pyd + "/CT_small.dcm", pyd + "/MR_small.dcm",   pyd + "/rtplan.dcm",      pyd + "/rtdose.dcm",
      pyd + "/JPEG2000.dcm", oct + "/CT-MONO2-16-ankle.dcm", oct + "/rtstruct.dcm",
      "/usr/lib/python3/dist-packages/nibabel/nicom/tests/data/0.dcm"};
  TempDir t;
  for (size_t i = 0; i < originals.size(); ++i) {
    REQUIRE_MESSAGE(fs::exists(originals[i]), originals[i], " missing: run scripts/install-deps.sh");
    fs::create_directories(t.File("in/" + std::to_string(i)));
    fs::copy_file(originals[i], t.File("in/" + std::to_string(i) + "/" + fs::path(originals[i]).filename().string()));
  }
  for (const std::string profile : {"basic.yaml", "research.yaml", "retain-uids.yaml"}) {
    CAPTURE(profile);
    GateRun r = RunGate(t.File("in"), t.File("out-" + profile), t.File("work"), ProfilePath(profile));
    REQUIRE_MESSAGE(r.cmd.exit_code == 0, r.cmd.err);
    auto store = db::ProvenanceStore::Open(t.File("work/rwdgate.db"));
    auto rows = (*store)->ListObjects(r.summary["run_id"].get<int64_t>());
    REQUIRE(rows.ok());
    int checked = 0;
    for (const auto& row : *rows) {
      if (row.state != "released") {
        MESSAGE(row.source_path, " not released: ", row.reason);
        continue;
      }
      const auto before = ErrorLines(t.File("in/" + row.source_path));
      for (const std::string& e : ErrorLines(row.output_path))
        CHECK_MESSAGE(before.count(e) == 1, row.source_path, ": new dciodvfy error: ", e);
      ++checked;
    }
    CHECK(checked >= 6);
  }
}
