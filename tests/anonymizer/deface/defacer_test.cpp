#include "anonymizer/deface/defacer.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "anonymizer/deface/deface_bookkeeping.h"
#include "core/dicom_sequence.h"
#include "tests/anonymizer/deface/deface_support.h"

namespace rwd {
namespace {

using deface::Verdict;
using testing::MakePhantom;
using testing::PhantomSpec;

constexpr float kMrLevel = 30.0f;  // ch2: background 0, skin and scalp well above

void ReportGate(const char* what, const deface::DefaceResult& r) {
  MESSAGE(std::string(what) << ": " << std::string(deface::VerdictName(r.verdict)) << " (" << r.reason << ") clearance " << r.gate.clearance_mm
                << " mm, residual " << 100 * r.gate.residual << " % (frontal " << 100 * r.gate.residual_frontal
                << " %), removed " << 100 * r.gate.removed_share << " %, brain changed " << r.gate.brain_voxels_changed
                << ", " << r.seconds << " s");
}

void CheckGate(const deface::DefaceResult& r) {
  REQUIRE(r.verdict == Verdict::kDefaced);
  CHECK(r.gate.brain_voxels_changed == 0);
  CHECK(r.gate.clearance_mm >= 5.0);
  CHECK(r.gate.residual <= 0.05);
  CHECK(r.gate.removed_share > 0.02);
  CHECK(r.gate.removed_share < 0.40);
  REQUIRE(r.cut);
  REQUIRE(r.cut->nasion);
  // ch2's nasion (RAS 0, +84, -40 mm; research note 2.1) in LPS.
  CHECK(std::abs((*r.cut->nasion)[0]) < 8.0);
  CHECK(std::abs((*r.cut->nasion)[1] + 84.0) < 8.0);
  CHECK(std::abs((*r.cut->nasion)[2] + 40.0) < 10.0);
  // The report's PNG renderings.
  const uint8_t kPng[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  REQUIRE(r.anterior_png.size() > 100);
  REQUIRE(r.oblique_png.size() > 100);
  CHECK(std::memcmp(r.anterior_png.data(), kPng, 8) == 0);
  CHECK(std::memcmp(r.oblique_png.data(), kPng, 8) == 0);
}

TEST_CASE("deface: axial T1 (ch2) - face gone, brain untouched, gate numbers") {
  const auto phantom = MakePhantom(PhantomSpec{});
  const auto run = testing::RunDeface(phantom.files);
  ReportGate("axial MR", run.result);
  CheckGate(run.result);
  const double residual = testing::CheckDefacedAgainstOriginal(phantom, run, kMrLevel);
  MESSAGE("independent anterior residual " << 100 * residual << " %");
}

}  // namespace
}  // namespace rwd
