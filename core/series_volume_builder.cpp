#include "core/series_volume_builder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>

#include "core/dicom_sequence.h"
#include "core/pixel_data.h"
#include "core/strings.h"

namespace rwd {
namespace {

constexpr Tag kImagePosition{0x0020, 0x0032}, kImageOrientation{0x0020, 0x0037};
constexpr Tag kPixelSpacing{0x0028, 0x0030}, kSliceThickness{0x0018, 0x0050};
constexpr Tag kGantryTilt{0x0018, 0x1120}, kRows{0x0028, 0x0010}, kColumns{0x0028, 0x0011};
constexpr Tag kBitsStored{0x0028, 0x0101}, kSlope{0x0028, 0x1053}, kIntercept{0x0028, 0x1052};
constexpr Tag kFrameOfReference{0x0020, 0x0052}, kImageType{0x0008, 0x0008};
constexpr Tag kInstanceNumber{0x0020, 0x0013}, kNumberOfFrames{0x0028, 0x0008};
constexpr Tag kSharedGroups{0x5200, 0x9229}, kPerFrameGroups{0x5200, 0x9230};
constexpr Tag kPlanePositionSeq{0x0020, 0x9113}, kPlaneOrientationSeq{0x0020, 0x9116};
constexpr Tag kPixelMeasuresSeq{0x0028, 0x9110}, kPixelValueTransformSeq{0x0028, 0x9145};

Status Invalid(std::string what) { return Status::Error(ErrorCode::kInvalidArgument, std::move(what)); }

std::string Text(const DicomItem& item, Tag tag) {
  auto v = item.GetString(tag);
  return v ? std::string(TrimValue(*v)) : std::string();
}

// A macro (a functional group) found per frame, else shared, as an item.
struct FrameGroups {
  std::optional<DicomItem> per_frame, shared;
  std::optional<DicomItem> Find(Tag macro) const {
    if (per_frame)
      if (auto m = FirstSequenceItem(*per_frame, macro)) return m;
    if (shared)
      if (auto m = FirstSequenceItem(*shared, macro)) return m;
    return std::nullopt;
  }
};

template <size_t N>
std::optional<std::array<double, N>> Fixed(const std::optional<DicomItem>& item, Tag tag) {
  if (!item) return std::nullopt;
  auto v = GetNumbers(*item, tag);
  if (!v || v->size() != N) return std::nullopt;
  std::array<double, N> out{};
  std::copy(v->begin(), v->end(), out.begin());
  return out;
}

// Reads the geometry of every frame of one object into `out`.
Status ReadObject(DicomFile& file, size_t index, std::vector<SliceGeometry>* out) {
  DicomItem ds = file.dataset();
  SliceGeometry base;
  base.object_index = index;
  if (auto n = GetNumber(ds, kInstanceNumber)) base.instance_number = static_cast<int>(std::lround(*n));
  base.position = Fixed<3>(ds, kImagePosition);
  base.orientation = Fixed<6>(ds, kImageOrientation);
  base.pixel_spacing = Fixed<2>(ds, kPixelSpacing);
  base.slice_thickness = GetNumber(ds, kSliceThickness);
  base.gantry_tilt = GetNumber(ds, kGantryTilt);
  base.rows = static_cast<int>(GetNumber(ds, kRows).value_or(0));
  base.columns = static_cast<int>(GetNumber(ds, kColumns).value_or(0));
  base.bits_stored = static_cast<int>(GetNumber(ds, kBitsStored).value_or(0));
  base.rescale_slope = GetNumber(ds, kSlope).value_or(1.0);
  base.rescale_intercept = GetNumber(ds, kIntercept).value_or(0.0);
  base.frame_of_reference_uid = Text(ds, kFrameOfReference);
  base.image_type = Text(ds, kImageType);
  if (base.rows <= 0 || base.columns <= 0) return Invalid("object without Rows/Columns (0028,0010/0011)");
  const int frames = std::max(1, static_cast<int>(GetNumber(ds, kNumberOfFrames).value_or(1)));

  FrameGroups groups;
  groups.shared = FirstSequenceItem(ds, kSharedGroups);
  const std::vector<DicomItem> per_frame = SequenceItems(ds, kPerFrameGroups);
  const bool enhanced = groups.shared.has_value() || !per_frame.empty();
  if (!per_frame.empty() && static_cast<int>(per_frame.size()) != frames)
    return Invalid("PerFrameFunctionalGroupsSequence (5200,9230) item count differs from NumberOfFrames");
  for (int f = 0; f < frames; ++f) {
    SliceGeometry g = base;
    g.frame = f;
    if (frames > 1) g.instance_number.reset();  // frames are ordered by position, not by number
    if (enhanced) {
      groups.per_frame.reset();
      if (!per_frame.empty()) groups.per_frame = per_frame[static_cast<size_t>(f)];
      if (auto p = Fixed<3>(groups.Find(kPlanePositionSeq), kImagePosition)) g.position = p;
      if (auto o = Fixed<6>(groups.Find(kPlaneOrientationSeq), kImageOrientation)) g.orientation = o;
      if (auto m = groups.Find(kPixelMeasuresSeq)) {
        if (auto s = Fixed<2>(m, kPixelSpacing)) g.pixel_spacing = s;
        if (auto t = GetNumber(*m, kSliceThickness)) g.slice_thickness = t;
      }
      if (auto t = groups.Find(kPixelValueTransformSeq)) {
        g.rescale_slope = GetNumber(*t, kSlope).value_or(g.rescale_slope);
        g.rescale_intercept = GetNumber(*t, kIntercept).value_or(g.rescale_intercept);
      }
    }
    if (g.rescale_slope == 0.0) return Invalid("RescaleSlope (0028,1053) is zero");
    out->push_back(std::move(g));
  }
  return Status::Ok();
}

SeriesFacts ReadFacts(DicomFile& file) {
  const DicomItem ds = file.dataset();
  SeriesFacts f;
  f.modality = Text(ds, {0x0008, 0x0060});
  f.manufacturer = Text(ds, {0x0008, 0x0070});
  f.model = Text(ds, {0x0008, 0x1090});
  f.body_part = Text(ds, {0x0018, 0x0015});
  f.sop_class_uid = Text(ds, {0x0008, 0x0016});
  f.study_description = Text(ds, {0x0008, 0x1030});
  f.series_description = Text(ds, {0x0008, 0x103E});
  f.protocol_name = Text(ds, {0x0018, 0x1030});
  f.phase_encoding_direction = Text(ds, {0x0018, 0x1312});
  f.photometric = Text(ds, {0x0028, 0x0004});
  f.magnetic_field_strength = GetNumber(ds, {0x0018, 0x0087});
  f.kvp = GetNumber(ds, {0x0018, 0x0060});
  if (auto pad = GetNumber(ds, {0x0028, 0x0120}))
    f.pixel_padding_value = *pad * GetNumber(ds, kSlope).value_or(1.0) + GetNumber(ds, kIntercept).value_or(0.0);
  f.window_center = GetNumber(ds, {0x0028, 0x1050});
  f.window_width = GetNumber(ds, {0x0028, 0x1051});
  return f;
}

Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double Dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

bool Near(double a, double b, double tol = 1e-3) { return std::abs(a - b) <= tol; }

// Orders the slices and fills the geometry summary.
VolumeGeometry OrderSlices(std::vector<SliceGeometry>* slices) {
  VolumeGeometry g;
  const SliceGeometry& first = slices->front();
  bool known = first.orientation && first.pixel_spacing;
  for (const SliceGeometry& s : *slices) {
    if (!known || !s.position || !s.orientation || !s.pixel_spacing) {
      known = false;
      break;
    }
    for (int i = 0; i < 6; ++i) known = known && Near((*s.orientation)[i], (*first.orientation)[i]);
    for (int i = 0; i < 2; ++i) known = known && Near((*s.pixel_spacing)[i], (*first.pixel_spacing)[i]);
  }
  if (!known) {
    std::stable_sort(slices->begin(), slices->end(), [](const SliceGeometry& a, const SliceGeometry& b) {
      const int ia = a.instance_number.value_or(0), ib = b.instance_number.value_or(0);
      return ia != ib ? ia < ib : (a.object_index != b.object_index ? a.object_index < b.object_index : a.frame < b.frame);
    });
    return g;
  }
  const auto& o = *first.orientation;
  g.row_direction = {o[0], o[1], o[2]};
  g.column_direction = {o[3], o[4], o[5]};
  g.normal = Cross(g.row_direction, g.column_direction);
  const double norm = std::sqrt(Dot(g.normal, g.normal));
  if (norm < 0.5) return g;  // degenerate orientation: not a stack
  for (double& v : g.normal) v /= norm;
  g.row_spacing = (*first.pixel_spacing)[0];
  g.column_spacing = (*first.pixel_spacing)[1];
  if (g.row_spacing <= 0 || g.column_spacing <= 0) return g;
  std::stable_sort(slices->begin(), slices->end(), [&](const SliceGeometry& a, const SliceGeometry& b) {
    return Dot(*a.position, g.normal) < Dot(*b.position, g.normal);
  });
  g.known = true;
  std::vector<double> steps;
  for (size_t i = 1; i < slices->size(); ++i)
    steps.push_back(Dot(*(*slices)[i].position, g.normal) - Dot(*(*slices)[i - 1].position, g.normal));
  if (!steps.empty()) {
    std::vector<double> sorted = steps;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    g.slice_spacing = sorted[sorted.size() / 2];
    for (double d : steps) {
      if (d < 0.01) ++g.duplicates;
      if (g.slice_spacing > 0.01 && d >= 1.5 * g.slice_spacing) ++g.gaps;
      if (g.slice_spacing > 0.01) g.max_spacing_error = std::max(g.max_spacing_error, std::abs(d - g.slice_spacing) / g.slice_spacing);
    }
  }
  // InstanceNumber must step by one along the stack (either direction).
  int direction = 0;
  for (size_t i = 1; i < slices->size(); ++i) {
    const auto& a = (*slices)[i - 1].instance_number;
    const auto& b = (*slices)[i].instance_number;
    if (!a || !b) continue;
    const int d = *b - *a;
    if (direction == 0 && (d == 1 || d == -1)) direction = d;
    if (d != (direction == 0 ? d : direction) || (d != 1 && d != -1)) ++g.instance_number_gaps;
  }
  return g;
}

Result<SeriesVolume> BuildGeometry(std::span<DicomFile* const> objects) {
  if (objects.empty()) return Invalid("no objects for a series volume");
  SeriesVolume v;
  for (size_t i = 0; i < objects.size(); ++i) {
    if (!objects[i]) return Invalid("null object handed to the series volume builder");
    Status s = ReadObject(*objects[i], i, &v.slices);
    if (!s.ok()) return s;
  }
  v.facts = ReadFacts(*objects[0]);
  v.rows = v.slices[0].rows;
  v.columns = v.slices[0].columns;
  for (const SliceGeometry& s : v.slices)
    if (s.rows != v.rows || s.columns != v.columns) return Invalid("slices of different Rows/Columns in one series");
  v.geometry = OrderSlices(&v.slices);
  return v;
}

// Reads sample `i` of a monochrome frame buffer as a stored value.
inline int64_t Sample(const uint8_t* p, size_t bps, int bits, bool is_signed) {
  uint32_t raw = 0;
  std::memcpy(&raw, p, bps);
  const uint32_t mask = bits >= 32 ? 0xFFFFFFFFu : ((1u << bits) - 1u);
  raw &= mask;
  if (is_signed && bits < 32 && (raw >> (bits - 1)) & 1u) return static_cast<int64_t>(raw) - (int64_t{1} << bits);
  if (is_signed && bits == 32) return static_cast<int32_t>(raw);
  return raw;
}

}  // namespace

Result<SeriesVolume> BuildSeriesGeometry(std::span<DicomFile* const> objects) { return BuildGeometry(objects); }

Result<SeriesVolume> BuildSeriesVolume(std::span<DicomFile* const> objects) {
  auto built = BuildGeometry(objects);
  if (!built.ok()) return built.status();
  SeriesVolume v = std::move(built).value();
  v.voxels.assign(v.slice_size() * v.slices.size(), 0.0f);
  // Slice positions of each object's frames in volume order.
  std::vector<std::vector<std::pair<int, size_t>>> by_object(objects.size());
  for (size_t s = 0; s < v.slices.size(); ++s) by_object[v.slices[s].object_index].push_back({v.slices[s].frame, s});
  for (size_t o = 0; o < objects.size(); ++o) {
    auto px = PixelData::Decode(*objects[o]);
    if (!px.ok()) return px.status();
    const ColorModel model = px->color_model();
    if (px->samples_per_pixel() != 1 || (model != ColorModel::kMonochrome1 && model != ColorModel::kMonochrome2))
      return Invalid("colour or palette images have no series volume");
    if (px->rows() != v.rows || px->columns() != v.columns) return Invalid("Pixel Data size differs from Rows/Columns");
    const size_t bps = px->bytes_per_sample();
    const int bits = px->bits_stored();
    const bool is_signed = px->is_signed();
    for (auto [frame, s] : by_object[o]) {
      if (frame >= px->frames()) return Invalid("fewer frames in Pixel Data than NumberOfFrames (0028,0008)");
      const uint8_t* in = px->frame(frame).data();
      const double m = v.slices[s].rescale_slope, b = v.slices[s].rescale_intercept;
      std::span<float> out = v.slice(s);
      for (size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<float>(static_cast<double>(Sample(in + i * bps, bps, bits, is_signed)) * m + b);
    }
  }
  return v;
}

Status WriteBackSlices(const SeriesVolume& volume, std::span<const size_t> changed_slices,
                       std::span<DicomFile* const> objects) {
  std::map<size_t, std::vector<size_t>> by_object;
  for (size_t s : changed_slices) {
    if (s >= volume.slices.size()) return Invalid("changed slice index outside the volume");
    const size_t o = volume.slices[s].object_index;
    if (o >= objects.size() || !objects[o]) return Invalid("changed slice refers to a missing object");
    by_object[o].push_back(s);
  }
  if (volume.voxels.size() != volume.slice_size() * volume.slices.size())
    return Invalid("volume without voxels cannot be written back");
  for (auto& [o, slices] : by_object) {
    auto px = PixelData::Decode(*objects[o]);
    if (!px.ok()) return px.status();
    const size_t bps = px->bytes_per_sample();
    const int bits = px->bits_stored();
    const bool is_signed = px->is_signed();
    const int64_t lo = is_signed ? -(int64_t{1} << (bits - 1)) : 0;
    const int64_t hi = is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
    const uint32_t mask = bits >= 32 ? 0xFFFFFFFFu : ((1u << bits) - 1u);
    bool changed = false;
    for (size_t s : slices) {
      const SliceGeometry& g = volume.slices[s];
      if (g.frame >= px->frames()) return Invalid("fewer frames in Pixel Data than NumberOfFrames (0028,0008)");
      uint8_t* buf = px->frame(g.frame).data();
      std::span<const float> values = volume.slice(s);
      for (size_t i = 0; i < values.size(); ++i) {
        const double q = std::round((static_cast<double>(values[i]) - g.rescale_intercept) / g.rescale_slope);
        const int64_t stored = static_cast<int64_t>(std::clamp(q, static_cast<double>(lo), static_cast<double>(hi)));
        uint8_t* p = buf + i * bps;
        if (Sample(p, bps, bits, is_signed) == stored) continue;
        uint32_t raw = 0;
        std::memcpy(&raw, p, bps);
        raw = (raw & ~mask) | (static_cast<uint32_t>(stored) & mask);
        std::memcpy(p, &raw, bps);
        changed = true;
      }
    }
    if (!changed) continue;
    Status st = px->WriteTo(*objects[o]);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace rwd
