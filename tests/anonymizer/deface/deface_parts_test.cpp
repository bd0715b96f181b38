// The small parts of defacing: derived-rendering triage, DICOM bookkeeping,
// and a volume that is not a head.
#include <doctest/doctest.h>

#include <cmath>

#include "anonymizer/deface/deface_bookkeeping.h"
#include "anonymizer/deface/defacer.h"
#include "anonymizer/deface/derived_rendering.h"
#include "core/dicom_sequence.h"
#include "tests/support/head_phantom.h"

namespace rwd {
namespace {

TEST_CASE("derived renderings: secondary captures of a head, and renderings by the region they show") {
  SeriesVolume sc;
  sc.facts.sop_class_uid = "1.2.840.10008.5.1.4.1.1.7";  // Secondary Capture Image Storage
  sc.slices.resize(1);
  CHECK(deface::DerivedHeadRendering(sc, false).empty());  // nothing says head
  CHECK_FALSE(deface::DerivedHeadRendering(sc, true).empty());
  sc.facts.body_part = "head";
  CHECK_FALSE(deface::DerivedHeadRendering(sc, false).empty());
  sc.facts.sop_class_uid = "1.2.840.10008.5.1.4.1.1.7.4";  // Multi-frame True Color SC
  CHECK_FALSE(deface::DerivedHeadRendering(sc, false).empty());
  sc.facts.sop_class_uid = "1.2.840.10008.5.1.4.1.1.4";  // MR: triaged by content, not here
  CHECK(deface::DerivedHeadRendering(sc, true).empty());
  sc.facts.body_part.clear();
  sc.facts.study_description = "CT HEAD W/O";  // a description says head
  sc.facts.sop_class_uid = "1.2.840.10008.5.1.4.1.1.7";
  CHECK_FALSE(deface::DerivedHeadRendering(sc, false).empty());

  // A rendering is kept back unless the series names only regions away from the head.
  SeriesVolume render;
  render.slices.resize(1);
  render.slices[0].image_type = "DERIVED\\SECONDARY\\3D";
  CHECK_FALSE(deface::DerivedHeadRendering(render, false).empty());  // nothing says where
  render.facts.study_description = "RT ANKLE";
  CHECK(deface::DerivedHeadRendering(render, false).empty());
  render.facts.body_part = "LOWEREXTREMITY";
  CHECK(deface::DerivedHeadRendering(render, false).empty());
  render.facts.protocol_name = "TOF_3D_multi-slab";  // an angiogram of the head
  CHECK_FALSE(deface::DerivedHeadRendering(render, false).empty());

  deface::DefaceOptions o;
  o.study_has_head = true;
  sc.facts.sop_class_uid = "1.2.840.10008.5.1.4.1.1.7";
  sc.facts.body_part = "";
  CHECK(deface::Deface(sc, o).verdict == deface::Verdict::kQuarantine);
}

TEST_CASE("fewer than 10 images are not a volume, with or without slice geometry; more without geometry are held back") {
  deface::DefaceOptions o;
  SeriesVolume mr;
  mr.facts.modality = "MR";
  mr.slices.resize(1);  // a lone slice without ImagePositionPatient: no face can be rendered from it
  CHECK(deface::Deface(mr, o).verdict == deface::Verdict::kNotHead);
  mr.slices.resize(9);
  CHECK(deface::Deface(mr, o).verdict == deface::Verdict::kNotHead);
  mr.slices.resize(10);  // a stack that may be a head, and cannot be checked
  const deface::DefaceResult r = deface::Deface(mr, o);
  CHECK(r.verdict == deface::Verdict::kQuarantine);
  CHECK(r.reason.find("no usable slice geometry") != std::string::npos);
}

TEST_CASE("bookkeeping: Recognizable Visual Features NO, code 113102 once, DERIVED") {
  testing::PhantomSpec spec;
  spec.pixel_mm = spec.slice_mm = 6.0;
  spec.rows = 37;
  spec.columns = 31;
  spec.slices = 2;
  const auto phantom = testing::MakePhantom(spec);
  auto file = DicomFile::Parse(phantom.files[0]);
  REQUIRE(file.ok());
  // An earlier stage's code (113100 Basic Application Confidentiality Profile) stays.
  auto basic = file->dataset().AppendSequenceItem({0x0012, 0x0064});
  REQUIRE(basic.ok());
  REQUIRE(basic->SetString({0x0008, 0x0100}, "113100").ok());
  REQUIRE(basic->SetString({0x0008, 0x0102}, "DCM").ok());
  REQUIRE(deface::MarkDefaced(*file).ok());
  REQUIRE(deface::MarkDefaced(*file).ok());  // idempotent
  CHECK(file->dataset().GetString({0x0028, 0x0302}).value_or("") == "NO");
  CHECK(file->dataset().GetString({0x0008, 0x0008}).value_or("") == "DERIVED\\PRIMARY\\AXIAL");
  const auto codes = SequenceItems(file->dataset(), {0x0012, 0x0064});
  REQUIRE(codes.size() == 2);
  CHECK(codes[0].GetString({0x0008, 0x0100}).value_or("") == "113100");
  CHECK(codes[1].GetString({0x0008, 0x0100}).value_or("") == "113102");
  CHECK(codes[1].GetString({0x0008, 0x0104}).value_or("") == "Clean Recognizable Visual Features Option");
}

// A CT volume of a trunk-sized ellipse of soft tissue (no skull, 320 mm wide).
SeriesVolume Trunk() {
  SeriesVolume v;
  v.facts.modality = "CT";
  v.rows = v.columns = 96;
  const double px = 4.0;
  v.geometry.known = true;
  v.geometry.row_direction = {1, 0, 0};
  v.geometry.column_direction = {0, 1, 0};
  v.geometry.normal = {0, 0, 1};
  v.geometry.row_spacing = v.geometry.column_spacing = px;
  v.geometry.slice_spacing = 4.0;
  for (int s = 0; s < 40; ++s) {
    SliceGeometry g;
    g.object_index = static_cast<size_t>(s);
    g.instance_number = s + 1;
    g.position = Vec3{-190, -190, 4.0 * s};
    g.orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
    g.pixel_spacing = std::array<double, 2>{px, px};
    g.rows = g.columns = 96;
    v.slices.push_back(g);
  }
  v.voxels.resize(v.slice_size() * v.slices.size());
  for (size_t s = 0; s < v.slices.size(); ++s)
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < v.columns; ++c) {
        const double x = -190 + c * px, y = -190 + r * px;
        v.voxels[(s * v.rows + r) * v.columns + c] = (x * x) / (160.0 * 160.0) + (y * y) / (110.0 * 110.0) <= 1 ? 40.0f : -1000.0f;
      }
  return v;
}

TEST_CASE("deface: a volume that is not a head is released unchanged") {
  SeriesVolume v = Trunk();
  const std::vector<float> before = v.voxels;
  const auto r = deface::Deface(v, {});
  CHECK(r.verdict == deface::Verdict::kNotHead);
  CHECK(r.reason.find("no head") != std::string::npos);
  CHECK(v.voxels == before);
}

TEST_CASE("deface: a CT or MR series without slice geometry is kept back") {
  SeriesVolume v = Trunk();
  v.geometry.known = false;
  CHECK(deface::Deface(v, {}).verdict == deface::Verdict::kQuarantine);
  v.facts.modality = "OT";
  CHECK(deface::Deface(v, {}).verdict == deface::Verdict::kNotHead);
}

}  // namespace
}  // namespace rwd
