#include "tests/qc/qc_series.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

#include "core/dicom_file.h"
#include "core/pixel_data.h"
#include "tests/support/nifti_volume.h"
#include "tests/support/test_support.h"

namespace rwd::testing {
namespace {

constexpr double kPi = std::numbers::pi;

const NiftiVolume& Ch2() {
  static const NiftiVolume v = ReadNifti(kCh2Path);
  return v;
}

SliceGeometry Slice(Vec3 position, std::array<double, 6> orientation, double pixel, double thickness, int rows,
                    int columns, int instance) {
  SliceGeometry g;
  g.instance_number = instance;
  g.position = position;
  g.orientation = orientation;
  g.pixel_spacing = std::array<double, 2>{pixel, pixel};
  g.slice_thickness = thickness;
  g.rows = rows;
  g.columns = columns;
  g.bits_stored = 12;
  g.frame_of_reference_uid = "2.25.1";
  g.image_type = "ORIGINAL\\PRIMARY\\AXIAL";
  g.object_index = static_cast<size_t>(instance - 1);
  return g;
}

Vec3 Normal(const std::array<double, 6>& o) {
  return {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
}

}  // namespace

SeriesVolume Ch2Series(Plane plane, double noise, int step, double ghost, uint32_t seed, int from_mm) {
  const NiftiVolume& n = Ch2();
  std::vector<float> sorted = n.voxels;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() * 0.99), sorted.end());
  const float scale = 1000.0f / sorted[static_cast<size_t>(sorted.size() * 0.99)];
  SeriesVolume v;
  v.facts.modality = "MR";
  v.facts.body_part = "HEAD";
  v.facts.photometric = "MONOCHROME2";
  v.facts.manufacturer = "SYNTHETIC";
  // Axial: rows A->P (j reversed), columns R->L (i reversed), slices I->S.
  // Sagittal: rows S->I, columns A->P, slices R->L. Coronal: rows S->I,
  // columns R->L, slices A->P.
  const int kNeck = from_mm;
  int count = 0, first = 0;
  std::array<double, 6> o{};
  switch (plane) {
    case Plane::kAxial: v.rows = n.ny; v.columns = n.nx; count = n.nz; first = kNeck; o = {1, 0, 0, 0, 1, 0}; break;
    case Plane::kSagittal: v.rows = n.nz - kNeck; v.columns = n.ny; count = n.nx; o = {0, 1, 0, 0, 0, -1}; break;
    case Plane::kCoronal: v.rows = n.nz - kNeck; v.columns = n.nx; count = n.ny; o = {1, 0, 0, 0, 0, -1}; break;
  }
  // Phase encoding: A-P in axial and sagittal (along the columns of axial
  // images), R-L in coronal.
  v.facts.phase_encoding_direction = plane == Plane::kAxial ? "COL" : "ROW";
  auto voxel = [&](int s, int r, int c) {
    switch (plane) {
      case Plane::kAxial: return n.at(n.nx - 1 - c, n.ny - 1 - r, s);
      case Plane::kSagittal: return n.at(s, n.ny - 1 - c, n.nz - 1 - r);
      case Plane::kCoronal: return n.at(n.nx - 1 - c, n.ny - 1 - s, n.nz - 1 - r);
    }
    return 0.0f;
  };
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0.0f, static_cast<float>(noise * 1000.0));
  const bool shift_rows = v.facts.phase_encoding_direction == "COL";
  int instance = 1;
  for (int s = first; s < count; s += step, ++instance) {
    Vec3 pos{};
    switch (plane) {
      case Plane::kAxial: pos = {0, 0, static_cast<double>(s)}; break;
      case Plane::kSagittal: pos = {static_cast<double>(n.nx - 1 - s), 0, static_cast<double>(n.nz - 1)}; break;
      case Plane::kCoronal: pos = {0, static_cast<double>(n.ny - 1 - s), static_cast<double>(n.nz - 1)}; break;
    }
    v.slices.push_back(Slice(pos, o, 1.0, step, v.rows, v.columns, instance));
    v.slices.back().image_type = "ORIGINAL\\PRIMARY\\M\\ND";
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < v.columns; ++c) {
        float x = voxel(s, r, c) * scale;
        if (ghost > 0) {
          const int gr = shift_rows ? (r + v.rows / 2) % v.rows : r;
          const int gc = shift_rows ? c : (c + v.columns / 2) % v.columns;
          x += static_cast<float>(ghost) * voxel(s, gr, gc) * scale;
        }
        const float a = x + gauss(rng), b = gauss(rng);
        v.voxels.push_back(std::sqrt(a * a + b * b));  // magnitude image: Rician
      }
  }
  // Sagittal slices were made R->L: ascending along the normal (-1, 0, 0).
  return v;
}

namespace {

struct Ellipsoid {
  double cx, cy, cz, ax, ay, az;
  bool Inside(double x, double y, double z, double shrink = 0) const {
    const double a = ax - shrink, b = ay - shrink, c = az - shrink;
    if (a <= 0 || b <= 0 || c <= 0) return false;
    const double u = (x - cx) / a, w = (y - cy) / b, t = (z - cz) / c;
    return u * u + w * w + t * t <= 1;
  }
};

void AddCircle(SeriesVolume& v, size_t s, float padding) {
  const double c = (v.columns - 1) / 2.0, r0 = (v.rows - 1) / 2.0, radius = std::min(v.rows, v.columns) / 2.0;
  auto slice = v.slice(s);
  for (int r = 0; r < v.rows; ++r)
    for (int col = 0; col < v.columns; ++col)
      if (std::hypot(r - r0, col - c) > radius) slice[static_cast<size_t>(r) * v.columns + col] = padding;
}

}  // namespace

SeriesVolume CtHeadPhantom(int slices, uint32_t seed) {
  SeriesVolume v;
  v.facts.modality = "CT";
  v.facts.body_part = "HEAD";
  v.facts.photometric = "MONOCHROME2";
  v.facts.pixel_padding_value = -3024;
  v.rows = v.columns = 256;
  const Ellipsoid head{128, 128, 0, 75, 90, 100};
  const Ellipsoid ventricles{128, 120, 20, 12, 25, 15};
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 8.0f);
  const double z0 = -54;  // first slice: below the skull base (the head goes on into the neck)
  for (int s = 0; s < slices; ++s) {
    const double z = z0 + 3.0 * s;
    v.slices.push_back(Slice({-128, -128, z}, {1, 0, 0, 0, 1, 0}, 1.0, 3.0, 256, 256, s + 1));
    for (int r = 0; r < 256; ++r)
      for (int c = 0; c < 256; ++c) {
        float hu = -1000;
        const double x = c, y = r;
        if (head.Inside(x, y, z)) {
          hu = 40;                                           // skin
          if (head.Inside(x, y, z, 1)) hu = -100;            // subcutaneous fat
          if (head.Inside(x, y, z, 5)) hu = 45;              // muscle, galea
          if (head.Inside(x, y, z, 7)) hu = 900;             // skull
          if (head.Inside(x, y, z, 14)) hu = 8;              // CSF
          if (head.Inside(x, y, z, 16)) hu = 35;             // brain
          if (ventricles.Inside(x, y, z)) hu = 8;
        }
        v.voxels.push_back(hu + gauss(rng));
      }
    AddCircle(v, v.slices.size() - 1, -3024);
  }
  return v;
}

SeriesVolume CtBodyPhantom(double half_width_mm, uint32_t seed) {
  SeriesVolume v;
  v.facts.modality = "CT";
  v.facts.body_part = "CHEST";
  v.facts.photometric = "MONOCHROME2";
  v.facts.pixel_padding_value = -3024;
  v.rows = v.columns = 256;
  const double px = 1.6;
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 12.0f);
  const double c0 = 127.5;
  for (int s = 0; s < 40; ++s) {
    const double z = 5.0 * s;
    v.slices.push_back(Slice({-c0 * px, -c0 * px, z}, {1, 0, 0, 0, 1, 0}, px, 5.0, 256, 256, s + 1));
    const bool lungs = s >= 15;
    for (int r = 0; r < 256; ++r)
      for (int c = 0; c < 256; ++c) {
        const double x = (c - c0) * px, y = (r - c0) * px;  // mm from the centre
        auto in = [&](double cx, double cy, double a, double b) {
          const double u = (x - cx) / a, w = (y - cy) / b;
          return u * u + w * w <= 1;
        };
        float hu = -1000;
        if (in(0, 0, half_width_mm, 120)) {
          hu = -100;                                                                   // fat
          if (in(0, 0, half_width_mm - 15, 105)) hu = 50;                              // muscle, organs
          if (lungs && (in(-70, -10, 50, 70) || in(70, -10, 50, 70))) hu = -850;       // lungs
          if (in(0, 70, 18, 18)) hu = 600;                                             // vertebra
          if (in(0, 70, 9, 9)) hu = 30;                                                // canal
        }
        v.voxels.push_back(hu + gauss(rng));
      }
    AddCircle(v, v.slices.size() - 1, -3024);
  }
  return v;
}

namespace {

struct RealImage {
  int rows = 0, columns = 0;
  std::vector<float> hu;
  std::string image_type;
};

RealImage ReadRealCt(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadBytes(path);
  auto file = DicomFile::Parse(bytes);
  if (!file.ok()) throw std::runtime_error("cannot parse " + path);
  auto px = PixelData::Decode(*file);
  if (!px.ok() || px->bits_allocated() != 16) throw std::runtime_error("cannot decode " + path);
  auto number = [&](Tag tag, double fallback) {
    auto s = file->dataset().GetString(tag);
    return s && !s->empty() ? std::stod(*s) : fallback;
  };
  const double slope = number(Tag{0x0028, 0x1053}, 1), intercept = number(Tag{0x0028, 0x1052}, 0);
  RealImage out;
  out.rows = px->rows();
  out.columns = px->columns();
  out.image_type = file->dataset().GetString(Tag{0x0008, 0x0008}).value_or("");
  const auto frame = px->frame(0);
  const auto* p = reinterpret_cast<const int16_t*>(frame.data());
  for (int i = 0; i < out.rows * out.columns; ++i)
    out.hu.push_back(static_cast<float>((px->is_signed() ? p[i] : static_cast<uint16_t>(p[i])) * slope + intercept));
  return out;
}

}  // namespace

SeriesVolume RealCtSmallSeries(int slices, uint32_t seed) {
  const RealImage img = ReadRealCt("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");
  const double spacing = 0.661468;
  SeriesVolume v;
  v.facts.modality = "CT";
  v.facts.photometric = "MONOCHROME2";
  v.rows = img.rows;
  v.columns = img.columns;
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 3.0f);
  for (int s = 0; s < slices; ++s) {
    v.slices.push_back(Slice({-158.1, -179.0, -75.7 + 5.0 * s}, {1, 0, 0, 0, 1, 0}, spacing, 5.0, v.rows,
                             v.columns, s + 1));
    v.slices.back().bits_stored = 16;
    v.slices.back().image_type = img.image_type;
    for (float x : img.hu) v.voxels.push_back(x + gauss(rng));
  }
  return v;
}

SeriesVolume RealCtAnkleImage() {
  const RealImage img = ReadRealCt("/usr/share/octave/packages/dicom-0.5.1/imdata/CT-MONO2-16-ankle.dcm");
  SeriesVolume v;
  v.facts.modality = "CT";
  v.facts.photometric = "MONOCHROME2";
  v.rows = img.rows;
  v.columns = img.columns;
  SliceGeometry g;
  g.instance_number = 1;
  g.rows = img.rows;
  g.columns = img.columns;
  g.bits_stored = 16;
  g.image_type = img.image_type;
  v.slices.push_back(g);
  v.voxels = img.hu;
  return v;
}

void RemoveSlices(SeriesVolume& v, size_t first, size_t count) {
  v.slices.erase(v.slices.begin() + static_cast<long>(first), v.slices.begin() + static_cast<long>(first + count));
  if (!v.voxels.empty())
    v.voxels.erase(v.voxels.begin() + static_cast<long>(first * v.slice_size()),
                   v.voxels.begin() + static_cast<long>((first + count) * v.slice_size()));
}

void DuplicateSlice(SeriesVolume& v, size_t index, double offset_mm) {
  SliceGeometry g = v.slices[index];
  const Vec3 n = Normal(*g.orientation);
  for (int k = 0; k < 3; ++k) (*g.position)[k] += offset_mm * n[k];
  int last = 0;
  for (const auto& s : v.slices) last = std::max(last, s.instance_number.value_or(0));
  g.instance_number = last + 1;
  v.slices.insert(v.slices.begin() + static_cast<long>(index + 1), g);
  std::vector<float> copy(v.slice(index).begin(), v.slice(index).end());
  v.voxels.insert(v.voxels.begin() + static_cast<long>((index + 1) * v.slice_size()), copy.begin(), copy.end());
}

void JitterSpacing(SeriesVolume& v, double fraction, uint32_t seed) {
  std::mt19937 rng(seed);
  const Vec3 n = Normal(*v.slices.front().orientation);
  const Vec3 a = *v.slices[0].position, b = *v.slices[1].position;
  const double spacing = std::abs((b[0] - a[0]) * n[0] + (b[1] - a[1]) * n[1] + (b[2] - a[2]) * n[2]);
  std::uniform_real_distribution<double> u(-fraction * spacing, fraction * spacing);
  for (size_t i = 1; i + 1 < v.slices.size(); ++i) {
    const double d = u(rng);
    for (int k = 0; k < 3; ++k) (*v.slices[i].position)[k] += d * n[k];
  }
}

void CropColumns(SeriesVolume& v, int columns) {
  const int new_columns = v.columns - columns;
  std::vector<float> out;
  out.reserve(v.slices.size() * static_cast<size_t>(v.rows) * new_columns);
  for (size_t s = 0; s < v.slices.size(); ++s)
    for (int r = 0; r < v.rows; ++r) {
      const float* row = v.slice(s).data() + static_cast<size_t>(r) * v.columns;
      out.insert(out.end(), row + columns, row + v.columns);
    }
  for (SliceGeometry& g : v.slices) {
    const auto& o = *g.orientation;
    const double px = (*g.pixel_spacing)[1];
    for (int k = 0; k < 3; ++k) (*g.position)[k] += columns * px * o[k];
    g.columns = new_columns;
  }
  v.columns = new_columns;
  v.voxels = std::move(out);
}

void AddMetal(SeriesVolume& v, double radius_mm, int slices, double streak_hu) {
  const double px = (*v.slices.front().pixel_spacing)[0];
  const double cr = v.rows * 0.40, cc = v.columns * 0.5;  // inside the head/body, anterior of the centre
  const size_t first = v.slices.size() / 2;
  for (size_t s = first; s < first + static_cast<size_t>(slices); ++s) {
    auto slice = v.slice(s);
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < v.columns; ++c) {
        float& x = slice[static_cast<size_t>(r) * v.columns + c];
        if (x < -500) continue;  // streaks only inside the body
        const double dy = (r - cr) * px, dx = (c - cc) * px, d = std::hypot(dx, dy);
        if (d <= radius_mm) {
          x = 3071;
          continue;
        }
        // Streaks: 12 beams, alternately dark and bright, fading with distance.
        const double angle = std::atan2(dy, dx);
        const double beam = std::cos(6 * angle);
        if (std::abs(beam) > 0.97)
          x += static_cast<float>((beam > 0 ? -streak_hu : streak_hu * 2 / 3) * std::exp(-d / 60.0));
      }
  }
}

void AddRings(SeriesVolume& v, double amplitude_hu) {
  const double cr = (v.rows - 1) / 2.0, cc = (v.columns - 1) / 2.0;
  for (size_t s = 0; s < v.slices.size(); ++s) {
    auto slice = v.slice(s);
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < v.columns; ++c) {
        float& x = slice[static_cast<size_t>(r) * v.columns + c];
        if (x < -500) continue;
        const long d = std::lround(std::hypot(r - cr, c - cc));
        if (d == 40 || d == 70 || d == 100) x += static_cast<float>(amplitude_hu);
      }
  }
}

void BlankFov(SeriesVolume& v, double fraction) {
  const int from = static_cast<int>(std::lround(v.columns * (1 - fraction)));
  for (size_t s = 0; s < v.slices.size(); ++s) {
    auto slice = v.slice(s);
    for (int r = 0; r < v.rows; ++r)
      for (int c = from; c < v.columns; ++c) slice[static_cast<size_t>(r) * v.columns + c] = -3024;
  }
}

void AddBias(SeriesVolume& v, double slope) {
  const double half = v.columns / 2.0;
  for (size_t s = 0; s < v.slices.size(); ++s) {
    auto slice = v.slice(s);
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < v.columns; ++c)
        slice[static_cast<size_t>(r) * v.columns + c] *= static_cast<float>(1 + slope * (c - half) / half);
  }
}

void OffsetHu(SeriesVolume& v, double hu) {
  for (float& x : v.voxels) x += static_cast<float>(hu);
  if (v.facts.pixel_padding_value) *v.facts.pixel_padding_value += hu;
}

void Tilt(SeriesVolume& v, double degrees, bool header) {
  const double a = degrees * kPi / 180.0;
  for (SliceGeometry& g : v.slices) {
    auto& o = *g.orientation;
    // Axial stacks only: column direction (0, 1, 0) turned towards the feet.
    o = {o[0], o[1], o[2], 0, std::cos(a), -std::sin(a)};
    if (header) g.gantry_tilt = degrees;
  }
}

void ShiftSlices(SeriesVolume& v, size_t first, int columns) {
  for (size_t s = first; s < v.slices.size(); ++s) {
    auto slice = v.slice(s);
    for (int r = 0; r < v.rows; ++r) {
      float* row = slice.data() + static_cast<size_t>(r) * v.columns;
      std::vector<float> copy(row, row + v.columns);
      for (int c = 0; c < v.columns; ++c) {
        const int from = c - columns;
        row[c] = from >= 0 && from < v.columns ? copy[from] : copy[c < columns ? 0 : v.columns - 1];
      }
    }
    // The patient moved, not the reconstruction circle: padding shifted into
    // the circle is air there, and the circle keeps its padding.
    if (!v.facts.pixel_padding_value) continue;
    const double cc = (v.columns - 1) / 2.0, cr = (v.rows - 1) / 2.0, radius = std::min(v.rows, v.columns) / 2.0;
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < v.columns; ++c) {
        float& x = slice[static_cast<size_t>(r) * v.columns + c];
        const bool outside = std::hypot(r - cr, c - cc) > radius;
        if (outside) x = static_cast<float>(*v.facts.pixel_padding_value);
        else if (x < -1500) x = -1000;
      }
  }
}

void ZeroBackground(SeriesVolume& v, float threshold) {
  for (float& x : v.voxels)
    if (x < threshold) x = 0;
}

void SetImageType(SeriesVolume& v, const std::string& image_type, size_t count) {
  for (size_t i = 0; i < v.slices.size() && (count == 0 || i < count); ++i) v.slices[i].image_type = image_type;
}

}  // namespace rwd::testing
