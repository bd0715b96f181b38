// Every clean series passes with no flag; each planted defect, at an obvious
// and at a borderline strength, is flagged by its check and only by it.
// Series: ch2 (real T1 head) resliced in three planes, a real CT slice
// (pydicom's CT_small) stacked, and CT head and chest phantoms. The values
// printed ("QC <case> <check> <value> <verdict>") are the table in
// qc/README.md.
#include <doctest/doctest.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "qc/run_qc.h"
#include "tests/qc/qc_series.h"

using namespace rwd;
using namespace rwd::testing;

namespace {

std::set<std::string> Flags(const qc::SeriesQc& q) { return {q.flags.begin(), q.flags.end()}; }

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ",") + x;
  return out.empty() ? "(none)" : out;
}

qc::SeriesQc Run(const std::string& name, const SeriesVolume& v) {
  const qc::SeriesQc q = qc::RunQc(v, rules::QcConfig{}, nullptr);
  for (const qc::CheckResult& c : q.checks)
    if (c.value)
      std::printf("QC %-28s %-16s %10.4f %s\n", name.c_str(), c.name.c_str(), *c.value, qc::VerdictName(c.verdict));
  return q;
}

// The verdict a check gave.
qc::Verdict VerdictOf(const qc::SeriesQc& q, const std::string& check) {
  for (const qc::CheckResult& c : q.checks)
    if (c.name == check) return c.verdict;
  return qc::Verdict::kNa;
}

struct Level {
  std::string check;
  qc::Verdict verdict;
};
const qc::Verdict kWarn = qc::Verdict::kWarn, kFail = qc::Verdict::kFail;

// Exactly `flags` are raised; when `level` is given, that check's verdict.
void Expect(const std::string& name, const SeriesVolume& v, const std::set<std::string>& flags,
            std::optional<Level> level = std::nullopt) {
  const qc::SeriesQc q = Run(name, v);
  INFO(name);
  if (level) CHECK_MESSAGE(VerdictOf(q, level->check) == level->verdict, level->check);
  CHECK(Join(Flags(q)) == Join(flags));
  if (flags.empty()) CHECK(q.verdict == qc::Verdict::kPass);
  else CHECK((q.verdict == qc::Verdict::kWarn || q.verdict == qc::Verdict::kFail));
}

}  // namespace

TEST_CASE("clean series pass with no flag") {
  Expect("mr-axial", Ch2Series(Plane::kAxial), {});
  Expect("mr-sagittal", Ch2Series(Plane::kSagittal), {});
  Expect("mr-coronal", Ch2Series(Plane::kCoronal), {});
  // ch2's whole box: the neck and shoulders leave the FOV below the cranium.
  Expect("mr-axial-whole-box", Ch2Series(Plane::kAxial, 0.01, 2, 0, 1, 0), {});
  Expect("mr-sagittal-whole-box", Ch2Series(Plane::kSagittal, 0.01, 2, 0, 1, 0), {});
  Expect("mr-coronal-whole-box", Ch2Series(Plane::kCoronal, 0.01, 2, 0, 1, 0), {});
  Expect("mr-axial-1mm", Ch2Series(Plane::kAxial, 0.01, 1), {});
  Expect("mr-axial-template-background", Ch2Series(Plane::kAxial, 0.0), {});  // zero-filled air
  Expect("ct-head", CtHeadPhantom(), {});
  Expect("ct-chest", CtBodyPhantom(), {});
}

TEST_CASE("a real CT slice (CT_small, a 85 mm crop of a body) is flagged truncated_fov only") {
  const SeriesVolume v = RealCtSmallSeries();
  Expect("ct-real-small", v, {"truncated_fov"});
  const qc::SeriesQc q = qc::RunQc(v, rules::QcConfig{}, nullptr);
  CHECK(VerdictOf(q, "hu_air") == qc::Verdict::kNa);  // no air outside the body in this crop
  CHECK(VerdictOf(q, "ct_noise") == qc::Verdict::kPass);
}

namespace {

// The first column where ch2's axial head appears, in any slice.
int HeadMarginColumns(const SeriesVolume& v) {
  int margin = v.columns;
  const float threshold = 300;  // about Otsu's for ch2 scaled to 1000
  for (size_t s = 0; s < v.slices.size(); ++s)
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < margin; ++c)
        if (v.at(s, r, c) > threshold) margin = c;
  return margin;
}

}  // namespace

TEST_CASE("missing slices: flagged missing_slice only") {
  SeriesVolume mr = Ch2Series(Plane::kAxial), mr3 = mr;
  RemoveSlices(mr, 30, 1);
  Expect("mr-removed-1", mr, {"missing_slice"}, Level{"missing_slice", kWarn});
  RemoveSlices(mr3, 30, 3);
  Expect("mr-removed-3", mr3, {"missing_slice"}, Level{"missing_slice", kFail});
  SeriesVolume ct = CtHeadPhantom(), ct3 = ct;
  RemoveSlices(ct, 25, 1);
  Expect("ct-removed-1", ct, {"missing_slice"}, Level{"missing_slice", kWarn});
  RemoveSlices(ct3, 25, 3);
  Expect("ct-removed-3", ct3, {"missing_slice"}, Level{"missing_slice", kFail});
}

TEST_CASE("duplicated slices: flagged duplicate_slice only") {
  SeriesVolume mr = Ch2Series(Plane::kSagittal), mr2 = mr;
  DuplicateSlice(mr, 40, 0.0);
  Expect("mr-duplicate-exact", mr, {"duplicate_slice"});
  DuplicateSlice(mr2, 40, 0.005);
  Expect("mr-duplicate-0.005mm", mr2, {"duplicate_slice"});
  SeriesVolume ct = CtHeadPhantom(), ct2 = ct;
  DuplicateSlice(ct, 20, 0.0);
  Expect("ct-duplicate-exact", ct, {"duplicate_slice"});
  DuplicateSlice(ct2, 20, 0.005);
  Expect("ct-duplicate-0.005mm", ct2, {"duplicate_slice"});
}

TEST_CASE("jittered spacing: flagged inconsistent_spacing only") {
  for (double f : {0.03, 0.2}) {
    SeriesVolume mr = Ch2Series(Plane::kCoronal), ct = CtHeadPhantom();
    JitterSpacing(mr, f, 7);
    JitterSpacing(ct, f, 8);
    const Level level{"slice_spacing", f < 0.1 ? kWarn : kFail};
    Expect("mr-jitter-" + std::to_string(f), mr, {"inconsistent_spacing"}, level);
    Expect("ct-jitter-" + std::to_string(f), ct, {"inconsistent_spacing"}, level);
  }
}

TEST_CASE("cropped field of view: flagged truncated_fov only") {
  SeriesVolume mr = Ch2Series(Plane::kAxial);
  const int margin = HeadMarginColumns(mr);
  for (int extra : {1, 25}) {
    SeriesVolume cut = mr;
    CropColumns(cut, margin + extra);
    Expect("mr-crop-" + std::to_string(extra) + "mm", cut, {"truncated_fov"},
           Level{"fov_truncation", extra < 10 ? kWarn : kFail});
  }
  Expect("ct-body-208mm", CtBodyPhantom(208), {"truncated_fov"}, Level{"fov_truncation", kWarn});
  Expect("ct-body-260mm", CtBodyPhantom(260), {"truncated_fov"}, Level{"fov_truncation", kFail});
}

TEST_CASE("Rician noise: flagged low_snr only") {
  Expect("mr-noise-0.02", Ch2Series(Plane::kAxial, 0.02), {});
  Expect("mr-noise-0.055", Ch2Series(Plane::kAxial, 0.055), {"low_snr"}, Level{"snr", kWarn});
  Expect("mr-noise-0.15", Ch2Series(Plane::kAxial, 0.15), {"low_snr"}, Level{"snr", kFail});
}

TEST_CASE("N/2 ghost: flagged motion_ghosting only") {
  Expect("mr-ghost-0.04", Ch2Series(Plane::kAxial, 0.01, 2, 0.04), {"motion_ghosting"}, Level{"ghosting", kWarn});
  Expect("mr-ghost-0.15", Ch2Series(Plane::kAxial, 0.01, 2, 0.15), {"motion_ghosting"}, Level{"ghosting", kFail});
  Expect("mr-sag-ghost-0.15", Ch2Series(Plane::kSagittal, 0.01, 2, 0.15), {"motion_ghosting"});
}

TEST_CASE("metal with streaks: flagged metal_streak only, graded by the streaks") {
  SeriesVolume weak = CtHeadPhantom(), strong = weak, filling = weak, clean_metal = weak;
  AddMetal(weak, 2.5, 2, 60);  // faint beams
  Expect("ct-metal-2.5mm-streaks-60", weak, {"metal_streak"}, Level{"metal", kWarn});
  AddMetal(filling, 1.5, 1, 60);  // a filling of about 3 x 3 x 3 mm, faint beams
  Expect("ct-metal-1.5mm-streaks-60", filling, {"metal_streak"}, Level{"metal", kWarn});
  AddMetal(strong, 6, 6, 300);
  Expect("ct-metal-6mm-streaks-300", strong, {"metal_streak"}, Level{"metal", kFail});
  // Metal without streaks (as after metal artefact reduction): no flag.
  AddMetal(clean_metal, 6, 6, 0);
  Expect("ct-metal-6mm-no-streaks", clean_metal, {});
}

TEST_CASE("rings about the isocentre: flagged ring_artefact only") {
  SeriesVolume faint = CtHeadPhantom(), strong = faint, chest = CtBodyPhantom();
  AddRings(faint, 20);
  Expect("ct-head-rings-20", faint, {"ring_artefact"}, Level{"ring", kWarn});
  AddRings(strong, 50);
  Expect("ct-head-rings-50", strong, {"ring_artefact"}, Level{"ring", kFail});
  AddRings(chest, 50);
  Expect("ct-chest-rings-50", chest, {"ring_artefact"}, Level{"ring", kFail});
}

TEST_CASE("padding inside the reconstruction circle: flagged padding_in_fov only") {
  SeriesVolume thin = CtHeadPhantom(), wide = thin;
  BlankFov(thin, 0.05);  // a strip of 5 % of the width at the right edge, in the air
  Expect("ct-head-blank-5pc", thin, {"padding_in_fov"}, Level{"padding", kWarn});
  BlankFov(wide, 0.15);
  Expect("ct-head-blank-15pc", wide, {"padding_in_fov"}, Level{"padding", kFail});
}

TEST_CASE("intensity non-uniformity (bias field): flagged intensity_nonuniformity only") {
  SeriesVolume mild = Ch2Series(Plane::kAxial), strong = mild, sagittal = Ch2Series(Plane::kSagittal);
  AddBias(mild, 0.3);  // intensity 0.7 to 1.3 across the image
  Expect("mr-axial-bias-0.3", mild, {"intensity_nonuniformity"}, Level{"inu", kWarn});
  AddBias(strong, 0.6);
  Expect("mr-axial-bias-0.6", strong, {"intensity_nonuniformity"}, Level{"inu", kFail});
  // Sagittal, front to back. (At 0.6 the dim side also shrinks the head
  // mask there: motion and ghosting then flag too.)
  AddBias(sagittal, 0.3);
  Expect("mr-sagittal-bias-0.3", sagittal, {"intensity_nonuniformity"}, Level{"inu", kWarn});
}

TEST_CASE("HU offset: flagged hu_miscalibrated only") {
  for (double hu : {45.0, 150.0, -150.0}) {
    SeriesVolume head = CtHeadPhantom(), chest = CtBodyPhantom();
    OffsetHu(head, hu);
    OffsetHu(chest, hu);
    const Level level{"hu_air", hu < 100 && hu > 0 ? kWarn : kFail};
    Expect("ct-head-offset" + std::to_string(static_cast<int>(hu)), head, {"hu_miscalibrated"}, level);
    Expect("ct-chest-offset" + std::to_string(static_cast<int>(hu)), chest, {"hu_miscalibrated"}, level);
  }
}

TEST_CASE("tilted stack: flagged gantry_tilt only") {
  SeriesVolume slight = CtHeadPhantom(), steep = slight;
  Tilt(slight, 2, false);
  Expect("ct-tilt-2deg-positions", slight, {"gantry_tilt"}, Level{"gantry_tilt", kWarn});
  Tilt(steep, 15, true);
  Expect("ct-tilt-15deg", steep, {"gantry_tilt"}, Level{"gantry_tilt", kFail});
}

TEST_CASE("a real derived 3-D CT image (CT-MONO2-16-ankle) is quarantined as derived_3d") {
  const SeriesVolume v = RealCtAnkleImage();
  REQUIRE(v.slices.front().image_type == "DERIVED\\SECONDARY\\3D");
  // One image without ImagePositionPatient/ImageOrientationPatient: also no
  // 3-D geometry and too few slices; everything else n.a. or passing.
  Expect("ct-real-ankle-3d", v, {"derived_3d", "bad_orientation", "too_few_slices"});
  const qc::SeriesQc q = qc::RunQc(v, rules::QcConfig{}, nullptr);
  CHECK(q.quarantine);
  CHECK(q.quarantine_checks == std::vector<std::string>{"derived_3d"});
  CHECK(VerdictOf(q, "missing_slice") == qc::Verdict::kNa);
}

TEST_CASE("a rendering of a region a head is never in shows no face: not counted by derived_3d, pixel checks n.a.") {
  SeriesVolume v = RealCtAnkleImage();
  v.facts.study_description = "RT ANKLE";  // as in the file; nothing else says where
  Expect("ct-real-ankle-3d-described", v, {"bad_orientation", "too_few_slices"});
  const qc::SeriesQc q = qc::RunQc(v, rules::QcConfig{}, nullptr);
  CHECK_FALSE(q.quarantine);
  CHECK(VerdictOf(q, "derived_3d") == qc::Verdict::kPass);
  CHECK(VerdictOf(q, "noise") == qc::Verdict::kNa);  // rendered pixels are not modality values
  // A head term anywhere wins over the limb.
  v.facts.series_description = "HEAD AND ANKLE";
  CHECK(qc::RunQc(v, rules::QcConfig{}, nullptr).quarantine);
}

TEST_CASE("derived 3-D rendering: flagged derived_3d only, and quarantined") {
  SeriesVolume all = CtHeadPhantom(), one = all;
  SetImageType(all, "DERIVED\\SECONDARY\\3D");  // as in the Debian file CT-MONO2-16-ankle.dcm
  Expect("ct-derived-3d", all, {"derived_3d"});
  SetImageType(one, "DERIVED\\PRIMARY\\VOLUME\\MIP", 1);
  Expect("ct-derived-one-mip", one, {"derived_3d"});
  const qc::SeriesQc q = qc::RunQc(one, rules::QcConfig{}, nullptr);
  CHECK(q.quarantine);
  CHECK(q.QuarantineReason() == "QC failed: derived_3d");
}

// The other checks, each with a defect of its own.

TEST_CASE("a patient moving between slices: flagged motion only") {
  SeriesVolume ct = CtHeadPhantom(), ct2 = ct, mr = Ch2Series(Plane::kAxial);
  ShiftSlices(ct, 28, 4);  // 4 mm
  Expect("ct-moved-4mm", ct, {"motion"}, Level{"motion", kWarn});
  ShiftSlices(ct2, 28, 12);
  Expect("ct-moved-12mm", ct2, {"motion"}, Level{"motion", kFail});
  ShiftSlices(mr, 30, 8);
  Expect("mr-moved-8mm", mr, {"motion"});
}

TEST_CASE("a head series that stops below the vertex: flagged z_cut only") {
  SeriesVolume ct = CtHeadPhantom(), ct2 = ct, mr = Ch2Series(Plane::kAxial);
  RemoveSlices(ct, ct.slices.size() - 5, 5);  // the last slice now 4 mm below the vertex
  Expect("ct-head-top-cut-15mm", ct, {"z_cut"}, Level{"z_coverage", kWarn});
  RemoveSlices(ct2, ct2.slices.size() - 16, 16);
  Expect("ct-head-top-cut-48mm", ct2, {"z_cut"}, Level{"z_coverage", kFail});
  RemoveSlices(mr, mr.slices.size() - 10, 10);  // 20 mm off the top: 104 mm left
  Expect("mr-head-top-cut-20mm", mr, {"z_cut"});
  // A slab (under 100 mm) through the brain is partial by design.
  SeriesVolume slab = Ch2Series(Plane::kAxial);
  RemoveSlices(slab, slab.slices.size() - 20, 20);
  RemoveSlices(slab, 0, 10);
  const qc::SeriesQc slab_qc = Run("mr-axial-slab-64mm", slab);
  CHECK(slab_qc.flags.empty());
  CHECK(VerdictOf(slab_qc, "z_coverage") == qc::Verdict::kNa);
  // A chest series is not a head protocol: z_coverage does not apply.
  SeriesVolume chest = CtBodyPhantom();
  const qc::SeriesQc q = qc::RunQc(chest, rules::QcConfig{}, nullptr);
  CHECK(VerdictOf(q, "z_coverage") == qc::Verdict::kNa);
}

TEST_CASE("header defects: gaps between thick slices, few slices, mixed frames of reference, bad cosines") {
  SeriesVolume gap = CtHeadPhantom();
  for (auto& g : gap.slices) g.slice_thickness = 1.5;  // 3 mm apart
  Expect("ct-thickness-1.5-spacing-3", gap, {"slice_gap"});
  SeriesVolume few = CtHeadPhantom();
  RemoveSlices(few, 0, few.slices.size() - 8);  // the top 8 slices, vertex included
  Expect("ct-8-slices", few, {"too_few_slices"});
  SeriesVolume mixed = CtHeadPhantom();
  mixed.slices[5].frame_of_reference_uid = "2.25.2";
  Expect("ct-two-frames-of-reference", mixed, {"inhomogeneous_series"});
  SeriesVolume skew = CtHeadPhantom();
  for (auto& g : skew.slices) (*g.orientation)[4] = 0.98;  // column cosine not unit
  Expect("ct-non-unit-cosines", skew, {"bad_orientation"});
}

TEST_CASE("MR with a zero-filled background: SNR from the tissue, still graded") {
  SeriesVolume clean = Ch2Series(Plane::kAxial), noisy = Ch2Series(Plane::kAxial, 0.15);
  ZeroBackground(clean, 150);
  ZeroBackground(noisy, 150);
  const qc::SeriesQc a = Run("mr-zero-bg", clean), b = Run("mr-zero-bg-noise-0.15", noisy);
  for (const qc::CheckResult& c : a.checks)
    if (c.name == "snr") CHECK(c.note == "tissue (background zero-filled)");
  CHECK(VerdictOf(a, "snr") == qc::Verdict::kPass);
  CHECK(VerdictOf(b, "snr") != qc::Verdict::kPass);
  CHECK(VerdictOf(a, "fber") == qc::Verdict::kNa);
}
