#include "core/series_volume_builder.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/dicom_file.h"
#include "tests/core/dicom_test_files.h"
#include "tests/support/head_phantom.h"

namespace rwd {
namespace {

using testing::MakePhantom;
using testing::PhantomSpec;
using testing::ReadFiles;

// A coarse ch2 series (3 mm) so that the tests stay fast.
PhantomSpec Coarse() {
  PhantomSpec s;
  s.pixel_mm = 3.0;
  s.slice_mm = 3.0;
  s.rows = 73;
  s.columns = 61;
  s.slices = 61;
  return s;
}

struct Parsed {
  std::vector<DicomFile> files;
  std::vector<DicomFile*> pointers;
};

Parsed Parse(const std::vector<std::vector<uint8_t>>& bytes) {
  Parsed p;
  for (const auto& b : bytes) {
    auto f = DicomFile::Parse(b);
    REQUIRE(f.ok());
    p.files.push_back(std::move(f).value());
  }
  for (auto& f : p.files) p.pointers.push_back(&f);
  return p;
}

double Dist(const Vec3& a, const Vec3& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

// Every voxel of the volume has the position and value the independent
// reader finds in the object and frame it came from.
void CheckAgainstReadBack(const SeriesVolume& v, const testing::ReadBack& r, int frames_per_object) {
  const size_t per = v.slice_size();
  for (size_t s = 0; s < v.slices.size(); s += 7)
    for (int rr = 0; rr < v.rows; rr += 5)
      for (int c = 0; c < v.columns; c += 5) {
        const size_t k = (v.slices[s].object_index * frames_per_object + v.slices[s].frame) * per +
                         static_cast<size_t>(rr) * v.columns + c;
        CHECK(Dist(v.PositionOf(s, rr, c), r.position[k]) < 1e-3);
        CHECK(std::abs(v.at(s, rr, c) - r.value[k]) < 1e-3);
      }
}

TEST_CASE("series volume: shuffled axial slices are ordered along the normal, values are modality values") {
  PhantomSpec spec = Coarse();
  spec.ct = true;
  auto phantom = MakePhantom(spec);
  std::vector<std::vector<uint8_t>> shuffled = phantom.files;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  Parsed p = Parse(shuffled);
  auto v = BuildSeriesVolume(p.pointers);
  REQUIRE(v.ok());
  CHECK(v->slices.size() == 61);
  CHECK(v->geometry.known);
  CHECK(v->geometry.regular());
  CHECK(v->geometry.slice_spacing == doctest::Approx(3.0));
  CHECK(v->geometry.normal[2] == doctest::Approx(1.0));
  for (size_t s = 1; s < v->slices.size(); ++s)
    CHECK((*v->slices[s].position)[2] > (*v->slices[s - 1].position)[2]);
  CheckAgainstReadBack(*v, ReadFiles(shuffled), 1);
  // CT: stored + (-1024): air is about -1000 HU.
  CHECK(*std::min_element(v->voxels.begin(), v->voxels.end()) < -990.0f);
  CHECK(v->facts.modality == "CT");
}

TEST_CASE("series volume: sagittal and oblique stacks get patient positions per voxel") {
  for (int oblique = 0; oblique < 2; ++oblique) {
    PhantomSpec spec = Coarse();
    if (oblique) {
      const double a = 0.3;
      spec.row_dir = {std::cos(a), std::sin(a), 0};
      spec.col_dir = {-std::sin(a) * std::cos(0.2), std::cos(a) * std::cos(0.2), -std::sin(0.2)};
    } else {
      spec.row_dir = {0, 1, 0};
      spec.col_dir = {0, 0, -1};
    }
    auto phantom = MakePhantom(spec);
    Parsed p = Parse(phantom.files);
    auto v = BuildSeriesVolume(p.pointers);
    REQUIRE(v.ok());
    CHECK(v->geometry.regular());
    CheckAgainstReadBack(*v, ReadFiles(phantom.files), 1);
  }
}

TEST_CASE("series volume: enhanced multi-frame with functional groups (per-frame position and rescale)") {
  PhantomSpec spec = Coarse();
  spec.multiframe = true;
  auto phantom = MakePhantom(spec);
  REQUIRE(phantom.files.size() == 1);
  Parsed p = Parse(phantom.files);
  auto v = BuildSeriesVolume(p.pointers);
  REQUIRE(v.ok());
  CHECK(v->slices.size() == 61);
  CHECK(v->geometry.regular());
  CHECK(v->geometry.row_spacing == doctest::Approx(3.0));
  // Frames were stored top to bottom: the volume is ordered bottom to top.
  CHECK(v->slices.front().frame == 60);
  CHECK(v->slices.back().frame == 0);
  // Per-frame slopes differ (0.5, 0.75, 1.0): values are rescaled per frame.
  CHECK(v->slices[0].rescale_slope != v->slices[1].rescale_slope);
  CheckAgainstReadBack(*v, ReadFiles(phantom.files), 61);

  auto g = BuildSeriesGeometry(p.pointers);
  REQUIRE(g.ok());
  CHECK(g->voxels.empty());
  CHECK(g->slices.size() == 61);
  CHECK(g->geometry.regular());
}

TEST_CASE("series volume: missing slices are visible in the geometry") {
  auto phantom = MakePhantom(Coarse());
  std::vector<std::vector<uint8_t>> half(phantom.files.begin(), phantom.files.begin() + 20);
  half.insert(half.end(), phantom.files.begin() + 45, phantom.files.end());
  Parsed p = Parse(half);
  auto g = BuildSeriesGeometry(p.pointers);
  REQUIRE(g.ok());
  CHECK(g->geometry.known);
  CHECK(g->geometry.gaps == 1);
  CHECK(g->geometry.instance_number_gaps == 1);
  CHECK_FALSE(g->geometry.regular());
  // Every other slice gone: regular spacing, but InstanceNumber says so.
  std::vector<std::vector<uint8_t>> odd;
  for (size_t i = 0; i < phantom.files.size(); i += 2) odd.push_back(phantom.files[i]);
  Parsed q = Parse(odd);
  auto h = BuildSeriesGeometry(q.pointers);
  REQUIRE(h.ok());
  CHECK(h->geometry.gaps == 0);
  CHECK(h->geometry.instance_number_gaps == static_cast<int>(odd.size()) - 1);
  CHECK_FALSE(h->geometry.regular());
}

TEST_CASE("series volume: slices of different size or colour images are refused") {
  PhantomSpec a = Coarse(), b = Coarse();
  b.rows = 50;
  auto pa = MakePhantom(a), pb = MakePhantom(b);
  std::vector<std::vector<uint8_t>> mixed{pa.files[0], pb.files[1]};
  Parsed p = Parse(mixed);
  auto v = BuildSeriesVolume(p.pointers);
  CHECK_FALSE(v.ok());
  CHECK(v.status().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("write back: changed voxels stored losslessly, clamped, untouched objects unchanged") {
  for (int multiframe = 0; multiframe < 2; ++multiframe) {
    PhantomSpec spec = Coarse();
    spec.multiframe = multiframe;
    spec.ct = !multiframe;
    auto phantom = MakePhantom(spec);
    Parsed p = Parse(phantom.files);
    auto v = BuildSeriesVolume(p.pointers);
    REQUIRE(v.ok());
    const size_t s = 30;
    std::span<float> slice = v->slice(s);
    slice[0] = 100.0f;     // a plain change
    slice[1] = 1e7f;       // above the stored range: clamped
    slice[2] = -1e7f;      // below: clamped
    const std::vector<size_t> changed{s};
    REQUIRE(WriteBackSlices(*v, changed, p.pointers).ok());
    std::vector<std::vector<uint8_t>> out;
    for (auto& f : p.files) {
      auto bytes = f.Serialize();
      REQUIRE(bytes.ok());
      out.push_back(std::move(bytes).value());
    }
    const auto before = ReadFiles(phantom.files), after = ReadFiles(out);
    const size_t per = v->slice_size();
    const size_t base = multiframe ? v->slices[s].frame * per : v->slices[s].object_index * per;
    CHECK(after.value[base] == doctest::Approx(100.0));
    const double m = v->slices[s].rescale_slope, b = v->slices[s].rescale_intercept;
    const double hi = multiframe ? 32767 * m + b : 4095 + b, lo = multiframe ? -32768 * m + b : b;
    CHECK(after.value[base + 1] == doctest::Approx(hi));
    CHECK(after.value[base + 2] == doctest::Approx(lo));
    size_t differing = 0;
    for (size_t i = 0; i < before.stored.size(); ++i) differing += before.stored[i] != after.stored[i];
    CHECK(differing <= 3);
    CHECK(differing >= 2);
    if (!multiframe)  // every other object byte for byte as it was
      for (size_t o = 0; o < out.size(); ++o)
        if (o != v->slices[s].object_index) CHECK(out[o] == phantom.files[o]);
  }
}

TEST_CASE("series volume: real files, every transfer syntax gives the same modality values") {
  // pydicom's MR_small in native, RLE, JPEG-LS lossless and JPEG 2000 lossless.
  std::vector<float> reference;
  for (const char* name : {"MR_small.dcm", "MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm",
                           "MR_small_bigendian.dcm"}) {
    DicomFile f = testing::LoadDicom(testing::Pydicom(name));
    DicomFile* objects[] = {&f};
    auto v = BuildSeriesVolume(objects);
    REQUIRE_MESSAGE(v.ok(), name);
    CHECK(v->slices.size() == 1);
    CHECK(v->geometry.known);
    if (reference.empty()) reference = v->voxels;
    CHECK_MESSAGE(v->voxels == reference, name);
  }
  // A real CT slice: HU through RescaleSlope/Intercept (air below -900).
  DicomFile ct = testing::LoadDicom(testing::Pydicom("CT_small.dcm"));
  DicomFile* objects[] = {&ct};
  auto v = BuildSeriesVolume(objects);
  REQUIRE(v.ok());
  CHECK(v->facts.modality == "CT");
  CHECK(v->slices[0].rescale_intercept == doctest::Approx(-1024.0));
  // Colour is refused.
  DicomFile rgb = testing::LoadDicom(testing::Pydicom("SC_rgb_small_odd.dcm"));
  DicomFile* colour[] = {&rgb};
  CHECK_FALSE(BuildSeriesVolume(colour).ok());
}

}  // namespace
}  // namespace rwd
