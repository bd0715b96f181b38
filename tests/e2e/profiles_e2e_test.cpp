// Shipped and custom profiles end to end: date shifting per patient, and a
// site's own study codes from a lookup table.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>

#include "anonymizer/date_shift.h"
#include "core/dicom_file.h"
#include "db/provenance_store.h"
#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

std::string Get(DicomFile& f, Tag t) { return f.dataset().GetString(t).value_or(""); }

// source path -> (original PatientID, shift in days of StudyDate, pseudonym)
struct Shift {
  std::string patient, pseudonym;
  long study_date_shift, content_date_shift;
};
std::map<std::string, Shift> Shifts(const std::string& in, const GateRun& run, const std::string& work) {
  auto store = db::ProvenanceStore::Open(work + "/rwdgate.db");
  auto rows = (*store)->ListObjects(run.summary["run_id"].get<int64_t>());
  std::map<std::string, Shift> out;
  for (const auto& row : *rows) {
    if (row.state != "released") continue;
    auto a = DicomFile::Parse(ReadBytes(in + "/" + row.source_path));
    auto b = DicomFile::Parse(ReadBytes(row.output_path));
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    const auto da = anon::DaysFromDa(Get(*a, {0x0008, 0x0020})), db = anon::DaysFromDa(Get(*b, {0x0008, 0x0020}));
    const auto ca = anon::DaysFromDa(Get(*a, {0x0008, 0x0023})), cb = anon::DaysFromDa(Get(*b, {0x0008, 0x0023}));
    REQUIRE(da.has_value());
    REQUIRE(db.has_value());
    REQUIRE(ca.has_value());
    REQUIRE(cb.has_value());
    CHECK(Get(*a, {0x0008, 0x0030}) == Get(*b, {0x0008, 0x0030}));  // time of day kept
    CHECK(Get(*b, {0x0028, 0x0303}) == "MODIFIED");
    out[row.source_path] = {Get(*a, {0x0010, 0x0020}), Get(*b, {0x0010, 0x0020}), *db - *da, *cb - *ca};
  }
  return out;
}

}  // namespace

TEST_CASE("research profile: every date of a patient moves by the same keyed shift, across studies and runs") {
  TempDir t;
  fixtures::ExportOptions o;
  o.patients = 4;
  fixtures::WriteSyntheticExport(t.File("in"), o);
  GateRun r1 = RunGate(t.File("in"), t.File("out1"), t.File("work"), ProfilePath("research.yaml"));
  GateRun r2 = RunGate(t.File("in"), t.File("out2"), t.File("work"), ProfilePath("research.yaml"));
  REQUIRE_MESSAGE(r1.cmd.exit_code == 0, r1.cmd.err);
  REQUIRE(r2.cmd.exit_code == 0);
  const auto s1 = Shifts(t.File("in"), r1, t.File("work")), s2 = Shifts(t.File("in"), r2, t.File("work"));
  REQUIRE(s1.size() > 20);
  std::map<std::string, long> per_patient;
  std::set<std::string> studies_of_patient1;
  for (const auto& [path, s] : s1) {
    CHECK(s.study_date_shift >= -365);
    CHECK(s.study_date_shift <= -30);
    CHECK(s.content_date_shift == s.study_date_shift);  // intervals within an object kept
    auto [it, inserted] = per_patient.emplace(s.patient, s.study_date_shift);
    CHECK_MESSAGE(it->second == s.study_date_shift, "one patient, two shifts: ", path);
    CHECK(s2.at(path).study_date_shift == s.study_date_shift);  // the next run agrees
    if (path.rfind("PAT0001/", 0) == 0) studies_of_patient1.insert(path.substr(0, path.find('/', 8)));
  }
  CHECK(studies_of_patient1.size() == 2);  // the same shift held across two studies
  std::set<long> distinct;
  for (const auto& [p, d] : per_patient) distinct.insert(d);
  CHECK(per_patient.size() == 4);
  CHECK(distinct.size() >= 3);  // different patients, different shifts
}

TEST_CASE("a site's own study codes come from a lookup table; unknown patients are quarantined") {
  TempDir t;
  fixtures::ExportOptions o;
  o.patients = 3;
  o.with_bad_files = false;
  fixtures::WriteSyntheticExport(t.File("in"), o);
  // The original Patient IDs, read from the export.
  std::map<std::string, std::string> ids;  // folder -> PatientID
  for (const auto& f : ListFiles(t.File("in"))) {
    auto d = DicomFile::Parse(ReadBytes(f));
    if (d.ok()) ids[f.substr(t.File("in").size() + 1, 7)] = Get(*d, {0x0010, 0x0020});
  }
  REQUIRE(ids.size() == 3);
  WriteText(t.File("profile/codes.csv"),
            "patient_id,pseudonym\n" + ids["PAT0001"] + ",TRIAL-001\n" + ids["PAT0002"] + ",TRIAL-002\n");
  WriteText(t.File("profile/site.yaml"),
            "name: site-codes\nbase: ps3.15\npseudonym:\n  lookup: codes.csv\n  lookup_missing: quarantine\n");
  GateRun r = RunGate(t.File("in"), t.File("out"), t.File("work"), t.File("profile/site.yaml"));
  REQUIRE_MESSAGE(r.cmd.exit_code == 0, r.cmd.err);
  CHECK(fs::exists(t.File("out/TRIAL-001")));
  CHECK(fs::exists(t.File("out/TRIAL-002")));
  CHECK(r.summary["quarantined"].get<int>() > 0);
  CHECK(r.summary["reasons"].dump().find("cannot be made safe") != std::string::npos);
  for (const auto& f : ListReleased(t.File("out"))) {
    auto d = DicomFile::Parse(ReadBytes(f));
    REQUIRE(d.ok());
    const std::string pid = Get(*d, {0x0010, 0x0020});
    CHECK((pid == "TRIAL-001" || pid == "TRIAL-002"));
    CHECK(Get(*d, {0x0010, 0x0010}) == pid);
  }
  // A malformed table is a profile error with its line.
  WriteText(t.File("profile/codes.csv"), "patient_id,pseudonym\nonlyonecolumn\n");
  GateRun bad = RunGate(t.File("in"), t.File("out2"), t.File("work"), t.File("profile/site.yaml"));
  CHECK(bad.cmd.exit_code == 2);
  CHECK(bad.cmd.err.find("codes.csv:2:") != std::string::npos);
}
