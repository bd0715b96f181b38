// The series stages through the binary: a real T1 head (ch2) is defaced and
// verified, its brain untouched; QC holds back a series with a missing
// slice; qc.json says so.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/dicom_file.h"
#include "tests/e2e/e2e_support.h"
#include "tests/support/head_phantom.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

void WriteSeries(const std::vector<std::vector<uint8_t>>& files, const std::string& dir) {
  fs::create_directories(dir);
  for (size_t i = 0; i < files.size(); ++i) {
    std::ofstream f(dir + "/IM" + std::to_string(10000 + i), std::ios::binary);
    f.write(reinterpret_cast<const char*>(files[i].data()), static_cast<std::streamsize>(files[i].size()));
  }
}

// Files ordered by the position of their first voxel along z, so that two
// sets of slices of the same volume line up.
std::vector<std::vector<uint8_t>> ByPosition(std::vector<std::vector<uint8_t>> files) {
  std::vector<std::pair<double, size_t>> z;
  for (size_t i = 0; i < files.size(); ++i) z.emplace_back(ReadFiles({files[i]}).position.front()[2], i);
  std::sort(z.begin(), z.end());
  std::vector<std::vector<uint8_t>> out;
  for (auto& [_, i] : z) out.push_back(std::move(files[i]));
  return out;
}

std::string Value(const std::vector<uint8_t>& bytes, Tag tag) {
  auto f = DicomFile::Parse(bytes);
  REQUIRE(f.ok());
  return f->dataset().GetString(tag).value_or("");
}

}  // namespace

TEST_CASE("research.yaml defaces a real T1 head: face gone, brain voxels identical, 113102, after-render saved") {
  TempDir t;
  PhantomSpec spec;  // ch2, axial, 1 mm
  const Phantom head = MakePhantom(spec);
  WriteSeries(head.files, t.File("in/HEAD/T1"));
  GateRun r = RunGate(t.File("in"), t.File("out"), t.File("work"), ProfilePath("research.yaml"));
  REQUIRE(r.cmd.exit_code == 0);
  INFO(r.cmd.err);
  CHECK(r.summary["released"] == head.files.size());
  CHECK(r.summary["quarantined"] == 0);

  std::vector<std::vector<uint8_t>> released;
  for (const auto& f : ListReleased(t.File("out"))) released.push_back(ReadBytes(f));
  REQUIRE(released.size() == head.files.size());
  for (const auto& b : released) {
    CHECK(Value(b, {0x0028, 0x0302}) == "NO");  // RecognizableVisualFeatures
    CHECK(Value(b, {0x0012, 0x0063}).size() > 0);
  }
  // 113102 (Clean Recognizable Visual Features) in the method code sequence.
  auto first = DicomFile::Parse(released.front());
  bool has_code = false;
  first->dataset().Walk([&](ElementRef& e) {
    if (e.tag() == Tag{0x0012, 0x0064})
      for (size_t i = 0; i < e.NumItems(); ++i) has_code = has_code || e.Item(i).GetString({0x0008, 0x0100}) == "113102";
    return DicomItem::Visit::kKeep;
  });
  CHECK(has_code);

  // Brain voxels identical, face zone changed (independent reader and renderer).
  const ReadBack before = ReadFiles(ByPosition(head.files)), after = ReadFiles(ByPosition(released));
  REQUIRE(before.value.size() == after.value.size());
  const ReadBack original_order = ReadFiles(head.files);
  // The brain mask is in the phantom's file order: map it by position.
  std::vector<uint8_t> brain(before.value.size(), 0);
  {
    std::vector<std::pair<double, size_t>> z;
    const size_t per = before.value.size() / head.files.size();
    for (size_t i = 0; i < head.files.size(); ++i) z.emplace_back(original_order.position[i * per][2], i);
    std::sort(z.begin(), z.end());
    for (size_t k = 0; k < z.size(); ++k)
      std::copy_n(head.brain.begin() + z[k].second * per, per, brain.begin() + k * per);
  }
  size_t brain_changed = 0, changed = 0;
  for (size_t i = 0; i < before.value.size(); ++i) {
    if (before.value[i] != after.value[i]) {
      ++changed;
      if (brain[i]) ++brain_changed;
    }
  }
  CHECK(brain_changed == 0);
  CHECK(changed > 10000);
  int w = 0, h = 0;
  const auto d0 = AnteriorDepthMap(before, 30, &w, &h), d1 = AnteriorDepthMap(after, 30, &w, &h);
  CHECK(FaceZoneResidual(d0, d1, w, h) <= 0.05);

  const nlohmann::json qc = nlohmann::json::parse(ReadText(r.summary["qc_report"].get<std::string>()));
  REQUIRE(qc["series"].size() == 1);
  CHECK(qc["series"][0]["pixels_checked"] == true);
  bool png = false;
  for (const auto& f : ListFiles(t.File("work/reports")))
    png = png || (f.find("deface-") != std::string::npos && f.ends_with("-anterior.png"));
  CHECK(png);
}

TEST_CASE("QC holds back an MR series with missing slices (research.yaml) and names the flag in qc.json") {
  TempDir t;
  PhantomSpec spec;
  spec.slices = 40;
  spec.center = {0, 18, 60};  // a vertex slab: a head without the face
  Phantom slab = MakePhantom(spec);
  slab.files.erase(slab.files.begin() + 18, slab.files.begin() + 21);  // three slices missing: an obvious gap
  WriteSeries(slab.files, t.File("in/SLAB"));
  GateRun r = RunGate(t.File("in"), t.File("out"), t.File("work"), ProfilePath("research.yaml"));
  REQUIRE(r.cmd.exit_code == 0);
  CHECK(r.summary["released"] == 0);
  CHECK(r.summary["quarantined"] == slab.files.size());
  CHECK(r.summary["series_quarantined"] == 1);
  CHECK(ListReleased(t.File("out")).empty());
  const nlohmann::json qc = nlohmann::json::parse(ReadText(r.summary["qc_report"].get<std::string>()));
  REQUIRE(qc["series"].size() == 1);
  CHECK(qc["series"][0]["verdict"] == "fail");
  const auto& flags = qc["series"][0]["flags"];
  CHECK(std::find(flags.begin(), flags.end(), "missing_slice") != flags.end());
  CHECK(qc["series"][0]["state"] == "quarantined");
  const CommandResult reason = RunShell("sqlite3 " + Quote(t.File("work/rwdgate.db")) +
                                        " \"SELECT DISTINCT reason FROM objects WHERE state = 'quarantined'\"");
  CHECK(reason.out.find("QC failed: missing_slice") != std::string::npos);
}
