#include "tests/support/head_phantom.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <stdexcept>

#include "tests/support/nifti_volume.h"

namespace rwd::testing {
namespace {

struct Ch2 {
  NiftiVolume t1, bet;
  std::vector<uint8_t> skull;  // CT phantom: bone shell 2-7 voxels (city block) around the brain
  std::vector<uint8_t> chessboard;  // distance to the brain in voxels, 26-neighbour, capped at 20
};

std::vector<uint8_t> Chessboard(const NiftiVolume& bet) {
  const int nx = bet.nx, ny = bet.ny, nz = bet.nz;
  std::vector<uint8_t> d(bet.voxels.size(), 20);
  std::deque<size_t> queue;
  for (size_t i = 0; i < d.size(); ++i)
    if (bet.voxels[i] > 0) {
      d[i] = 0;
      queue.push_back(i);
    }
  while (!queue.empty()) {
    const size_t i = queue.front();
    queue.pop_front();
    if (d[i] >= 19) continue;
    const int x = static_cast<int>(i % nx), y = static_cast<int>((i / nx) % ny), z = static_cast<int>(i / (nx * ny));
    for (int dz = -1; dz <= 1; ++dz)
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int a = x + dx, b = y + dy, c = z + dz;
          if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
          const size_t j = (static_cast<size_t>(c) * ny + b) * nx + a;
          if (d[j] > d[i] + 1) {
            d[j] = static_cast<uint8_t>(d[i] + 1);
            queue.push_back(j);
          }
        }
  }
  return d;
}

const Ch2& LoadCh2() {
  static const Ch2 ch2 = [] {
    Ch2 c{ReadNifti(kCh2Path), ReadNifti(kCh2BetPath), {}, {}};
    const int nx = c.t1.nx, ny = c.t1.ny, nz = c.t1.nz;
    std::vector<int> dist(c.t1.voxels.size(), 1 << 20);
    std::deque<size_t> queue;
    for (size_t i = 0; i < dist.size(); ++i)
      if (c.bet.voxels[i] > 0) {
        dist[i] = 0;
        queue.push_back(i);
      }
    while (!queue.empty()) {
      const size_t i = queue.front();
      queue.pop_front();
      if (dist[i] >= 8) continue;
      const int x = static_cast<int>(i % nx), y = static_cast<int>((i / nx) % ny), z = static_cast<int>(i / (nx * ny));
      const int nb[6][3] = {{x - 1, y, z}, {x + 1, y, z}, {x, y - 1, z}, {x, y + 1, z}, {x, y, z - 1}, {x, y, z + 1}};
      for (auto& q : nb) {
        if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= nx || q[1] >= ny || q[2] >= nz) continue;
        const size_t j = (static_cast<size_t>(q[2]) * ny + q[1]) * nx + q[0];
        if (dist[j] > dist[i] + 1) {
          dist[j] = dist[i] + 1;
          queue.push_back(j);
        }
      }
    }
    c.skull.resize(dist.size());
    for (size_t i = 0; i < dist.size(); ++i) c.skull[i] = dist[i] >= 2 && dist[i] <= 7;
    c.chessboard = Chessboard(c.bet);
    return c;
  }();
  return ch2;
}

// ch2 voxel coordinates of an LPS point (the affine is a 1 mm diagonal).
void ToVoxel(const NiftiVolume& v, const Vec3& lps, double* i, double* j, double* k) {
  const double ras[3] = {-lps[0], -lps[1], lps[2]};
  *i = (ras[0] - v.ras[0][3]) / v.ras[0][0];
  *j = (ras[1] - v.ras[1][3]) / v.ras[1][1];
  *k = (ras[2] - v.ras[2][3]) / v.ras[2][2];
}

// Trilinear sample of a per-voxel field; `any` is set when a neighbour of the
// point has `flag` set.
float Trilinear(const NiftiVolume& v, const std::vector<float>& f, double i, double j, double k) {
  const int i0 = static_cast<int>(std::floor(i)), j0 = static_cast<int>(std::floor(j)), k0 = static_cast<int>(std::floor(k));
  if (i0 < 0 || j0 < 0 || k0 < 0 || i0 + 1 >= v.nx || j0 + 1 >= v.ny || k0 + 1 >= v.nz) return 0.0f;
  const double a = i - i0, b = j - j0, c = k - k0;
  double out = 0;
  for (int dk = 0; dk < 2; ++dk)
    for (int dj = 0; dj < 2; ++dj)
      for (int di = 0; di < 2; ++di) {
        const double w = (di ? a : 1 - a) * (dj ? b : 1 - b) * (dk ? c : 1 - c);
        out += w * f[(static_cast<size_t>(k0 + dk) * v.ny + j0 + dj) * v.nx + i0 + di];
      }
  return static_cast<float>(out);
}

bool AnyNeighbour(const NiftiVolume& v, const std::vector<float>& f, double i, double j, double k) {
  const int i0 = static_cast<int>(std::floor(i)), j0 = static_cast<int>(std::floor(j)), k0 = static_cast<int>(std::floor(k));
  for (int dk = 0; dk < 2; ++dk)
    for (int dj = 0; dj < 2; ++dj)
      for (int di = 0; di < 2; ++di) {
        const int x = i0 + di, y = j0 + dj, z = k0 + dk;
        if (x < 0 || y < 0 || z < 0 || x >= v.nx || y >= v.ny || z >= v.nz) continue;
        if (f[(static_cast<size_t>(z) * v.ny + y) * v.nx + x] > 0) return true;
      }
  return false;
}

// The phantom's modality value at a point.
float Value(const PhantomSpec& spec, const Vec3& point, bool* brain) {
  const Ch2& c = LoadCh2();
  Vec3 p = point;
  if (spec.head_yaw_deg != 0 || spec.head_pitch_deg != 0) {  // sample the head turned back
    const Vec3 o{0, 18, 18};
    const double a = -spec.head_yaw_deg * M_PI / 180, b = -spec.head_pitch_deg * M_PI / 180;
    const Vec3 d{point[0] - o[0], point[1] - o[1], point[2] - o[2]};
    const Vec3 y{std::cos(a) * d[0] - std::sin(a) * d[1], std::sin(a) * d[0] + std::cos(a) * d[1], d[2]};
    p = {o[0] + y[0], o[1] + std::cos(b) * y[1] - std::sin(b) * y[2], o[2] + std::sin(b) * y[1] + std::cos(b) * y[2]};
  }
  double i, j, k;
  ToVoxel(c.t1, p, &i, &j, &k);
  const float t1 = Trilinear(c.t1, c.t1.voxels, i, j, k);
  *brain = AnyNeighbour(c.bet, c.bet.voxels, i, j, k);
  if (!spec.ct) {
    if (spec.inverted_contrast && t1 > 20) return 260.0f - t1;
    if (spec.second_contrast && t1 > 20) return 40.0f + 0.8f * t1;
    return t1;
  }
  // CT: brain (CSF dark on T1), a bone shell around it, air, fat, soft tissue.
  const int ii = static_cast<int>(std::lround(i)), jj = static_cast<int>(std::lround(j)), kk = static_cast<int>(std::lround(k));
  const bool inside = ii >= 0 && jj >= 0 && kk >= 0 && ii < c.t1.nx && jj < c.t1.ny && kk < c.t1.nz;
  const size_t idx = inside ? (static_cast<size_t>(kk) * c.t1.ny + jj) * c.t1.nx + ii : 0;
  const float bet = Trilinear(c.bet, c.bet.voxels, i, j, k);
  if (bet > 0) return t1 < 60 ? 8.0f : 22.0f + 0.2f * (t1 - 60.0f);
  if (inside && c.skull[idx]) return 1100.0f;
  if (t1 < 20) return -1000.0f + 0.5f * static_cast<float>((static_cast<int>(i * 7 + j * 13 + k * 17) % 11) - 5);
  return t1 > 120 ? -90.0f : 40.0f;
}

void Put(DcmItem* item, const DcmTagKey& key, const std::string& value) {
  if (item->putAndInsertString(key, value.c_str()).bad()) throw std::runtime_error("cannot set a test attribute");
}

std::string Numbers(std::initializer_list<double> v) {
  std::string s;
  char buf[32];
  for (double x : v) {
    std::snprintf(buf, sizeof buf, "%.6g", x);
    if (!s.empty()) s += "\\";
    s += buf;
  }
  return s;
}

std::vector<uint8_t> Serialize(DcmFileFormat& ff) {
  ff.validateMetaInfo(EXS_LittleEndianExplicit);
  std::vector<uint8_t> buf(ff.calcElementLength(EXS_LittleEndianExplicit, EET_ExplicitLength) + 4096);
  DcmOutputBufferStream out(buf.data(), buf.size());
  ff.transferInit();
  OFCondition c = ff.write(out, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
  ff.transferEnd();
  if (c.bad()) throw std::runtime_error("cannot write a test object");
  void* p;
  offile_off_t n;
  out.flushBuffer(p, n);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

void CommonHeader(DcmDataset* ds, const PhantomSpec& spec, int index) {
  Put(ds, DCM_SOPClassUID, spec.multiframe ? UID_EnhancedMRImageStorage : spec.ct ? UID_CTImageStorage : UID_MRImageStorage);
  Put(ds, DCM_SOPInstanceUID, spec.series_uid + "." + std::to_string(index + 1));
  Put(ds, DCM_StudyInstanceUID, "1.2.826.0.1.3680043.10.1267.3");
  Put(ds, DCM_SeriesInstanceUID, spec.series_uid);
  Put(ds, DCM_FrameOfReferenceUID, spec.frame_of_reference_uid);
  Put(ds, DCM_Modality, spec.ct ? "CT" : "MR");
  Put(ds, DCM_PatientName, "Phantom^Ch2");
  Put(ds, DCM_PatientID, "PHANTOM-CH2");
  Put(ds, DCM_ImageType, spec.image_type);
  Put(ds, DCM_InstanceNumber, std::to_string(index + 1));
  Put(ds, DCM_SamplesPerPixel, "1");
  Put(ds, DCM_PhotometricInterpretation, "MONOCHROME2");
  Put(ds, DCM_Rows, std::to_string(spec.rows));
  Put(ds, DCM_Columns, std::to_string(spec.columns));
  Put(ds, DCM_BitsAllocated, "16");
  Put(ds, DCM_BitsStored, spec.ct ? "12" : "16");
  Put(ds, DCM_HighBit, spec.ct ? "11" : "15");
  Put(ds, DCM_PixelRepresentation, spec.ct ? "0" : "1");
}

}  // namespace

double Ch2BrainDistance(const Vec3& lps) {
  const Ch2& c = LoadCh2();
  double i, j, k;
  ToVoxel(c.bet, lps, &i, &j, &k);
  const long ii = std::lround(i), jj = std::lround(j), kk = std::lround(k);
  if (ii < 0 || jj < 0 || kk < 0 || ii >= c.bet.nx || jj >= c.bet.ny || kk >= c.bet.nz) return 20.0;
  const int d = c.chessboard[(static_cast<size_t>(kk) * c.bet.ny + jj) * c.bet.nx + ii];
  if (d > 8) return d - 1.0;  // chessboard distance <= Euclidean, less the rounding
  double best = 1e9;
  const int r = d + 1;
  for (long z = std::max(0L, kk - r); z <= std::min<long>(c.bet.nz - 1, kk + r); ++z)
    for (long y = std::max(0L, jj - r); y <= std::min<long>(c.bet.ny - 1, jj + r); ++y)
      for (long x = std::max(0L, ii - r); x <= std::min<long>(c.bet.nx - 1, ii + r); ++x)
        if (c.bet.voxels[(static_cast<size_t>(z) * c.bet.ny + y) * c.bet.nx + x] > 0)
          best = std::min(best, std::sqrt((x - i) * (x - i) + (y - j) * (y - j) + (z - k) * (z - k)));
  return best;
}

Phantom MakePhantom(const PhantomSpec& spec) {
  const Vec3 n{spec.row_dir[1] * spec.col_dir[2] - spec.row_dir[2] * spec.col_dir[1],
               spec.row_dir[2] * spec.col_dir[0] - spec.row_dir[0] * spec.col_dir[2],
               spec.row_dir[0] * spec.col_dir[1] - spec.row_dir[1] * spec.col_dir[0]};
  Phantom out;
  const size_t per_slice = static_cast<size_t>(spec.rows) * spec.columns;
  out.brain.resize(per_slice * spec.slices);
  std::vector<Vec3> positions(spec.slices);
  std::vector<std::vector<Uint16>> pixels(spec.slices, std::vector<Uint16>(per_slice));
  // MR multi-frame: stored = value / slope with a per-frame slope.
  auto slope_of = [&](int s) { return spec.multiframe ? 0.5 + 0.25 * (s % 3) : 1.0; };
  for (int s = 0; s < spec.slices; ++s) {
    Vec3& p0 = positions[s];
    for (int i = 0; i < 3; ++i)
      p0[i] = spec.center[i] - spec.row_dir[i] * spec.pixel_mm * (spec.columns - 1) / 2.0 -
              spec.col_dir[i] * spec.pixel_mm * (spec.rows - 1) / 2.0 + n[i] * spec.slice_mm * (s - (spec.slices - 1) / 2.0);
    for (int r = 0; r < spec.rows; ++r)
      for (int c = 0; c < spec.columns; ++c) {
        Vec3 p;
        for (int i = 0; i < 3; ++i) p[i] = p0[i] + spec.row_dir[i] * spec.pixel_mm * c + spec.col_dir[i] * spec.pixel_mm * r;
        bool brain = false;
        const float v = Value(spec, p, &brain);
        const size_t off = static_cast<size_t>(r) * spec.columns + c;
        const size_t in_file = spec.multiframe ? static_cast<size_t>(spec.slices - 1 - s) : static_cast<size_t>(s);
        out.brain[in_file * per_slice + off] = brain;
        const long stored = spec.ct ? std::lround(v + 1024.0f) : std::lround(v / slope_of(s));
        pixels[s][off] = static_cast<Uint16>(spec.ct ? std::clamp(stored, 0L, 4095L) : std::clamp(stored, -32768L, 32767L));
      }
  }
  const std::string iop = Numbers({spec.row_dir[0], spec.row_dir[1], spec.row_dir[2], spec.col_dir[0], spec.col_dir[1], spec.col_dir[2]});
  const std::string spacing = Numbers({spec.pixel_mm, spec.pixel_mm});
  if (spec.multiframe) {
    DcmFileFormat ff;
    DcmDataset* ds = ff.getDataset();
    CommonHeader(ds, spec, 0);
    Put(ds, DCM_NumberOfFrames, std::to_string(spec.slices));
    DcmItem* shared = nullptr;
    ds->findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
    DcmItem* m = nullptr;
    shared->findOrCreateSequenceItem(DCM_PixelMeasuresSequence, m, 0);
    Put(m, DCM_PixelSpacing, spacing);
    Put(m, DCM_SliceThickness, Numbers({spec.slice_mm}));
    shared->findOrCreateSequenceItem(DCM_PlaneOrientationSequence, m, 0);
    Put(m, DCM_ImageOrientationPatient, iop);
    std::vector<Uint16> all;
    // Frames stored in reverse order: the builder must sort by position.
    for (int f = 0; f < spec.slices; ++f) {
      const int s = spec.slices - 1 - f;
      DcmItem* frame = nullptr;
      ds->findOrCreateSequenceItem(DCM_PerFrameFunctionalGroupsSequence, frame, -2);
      frame->findOrCreateSequenceItem(DCM_PlanePositionSequence, m, 0);
      Put(m, DCM_ImagePositionPatient, Numbers({positions[s][0], positions[s][1], positions[s][2]}));
      frame->findOrCreateSequenceItem(DCM_PixelValueTransformationSequence, m, 0);
      Put(m, DCM_RescaleIntercept, "0");
      Put(m, DCM_RescaleSlope, Numbers({slope_of(s)}));
      Put(m, DCM_RescaleType, "US");
      all.insert(all.end(), pixels[s].begin(), pixels[s].end());
    }
    ds->putAndInsertUint16Array(DCM_PixelData, all.data(), static_cast<unsigned long>(all.size()));
    out.files.push_back(Serialize(ff));
    return out;
  }
  for (int s = 0; s < spec.slices; ++s) {
    DcmFileFormat ff;
    DcmDataset* ds = ff.getDataset();
    CommonHeader(ds, spec, s);
    Put(ds, DCM_ImagePositionPatient, Numbers({positions[s][0], positions[s][1], positions[s][2]}));
    Put(ds, DCM_ImageOrientationPatient, iop);
    Put(ds, DCM_PixelSpacing, spacing);
    Put(ds, DCM_SliceThickness, Numbers({spec.slice_mm}));
    if (spec.ct) {
      Put(ds, DCM_RescaleIntercept, "-1024");
      Put(ds, DCM_RescaleSlope, "1");
    }
    ds->putAndInsertUint16Array(DCM_PixelData, pixels[s].data(), static_cast<unsigned long>(per_slice));
    out.files.push_back(Serialize(ff));
  }
  return out;
}

namespace {

std::vector<double> Doubles(DcmItem* item, const DcmTagKey& key) {
  std::vector<double> v;
  Float64 x;
  for (unsigned long i = 0; item->findAndGetFloat64(key, x, i).good(); ++i) v.push_back(x);
  return v;
}

DcmItem* Macro(DcmItem* groups, const DcmTagKey& seq) {
  DcmItem* m = nullptr;
  if (groups && groups->findAndGetSequenceItem(seq, m, 0).good()) return m;
  return nullptr;
}

}  // namespace

ReadBack ReadFiles(const std::vector<std::vector<uint8_t>>& files) {
  ReadBack out;
  for (const auto& bytes : files) {
    DcmInputBufferStream in;
    in.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
    in.setEos();
    DcmFileFormat ff;
    ff.transferInit();
    if (ff.read(in).bad()) throw std::runtime_error("cannot read a released object");
    ff.transferEnd();
    DcmDataset* ds = ff.getDataset();
    Uint16 rows = 0, cols = 0, pixrep = 0, bits = 16;
    ds->findAndGetUint16(DCM_Rows, rows);
    ds->findAndGetUint16(DCM_Columns, cols);
    ds->findAndGetUint16(DCM_PixelRepresentation, pixrep);
    ds->findAndGetUint16(DCM_BitsStored, bits);
    Sint32 frames = 1;  // DCMTK zeroes the output when the attribute is absent
    if (ds->findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) frames = 1;
    if (ds->findAndGetUint16(DCM_BitsStored, bits).bad()) bits = 16;
    const Uint16* px = nullptr;
    if (ds->findAndGetUint16Array(DCM_PixelData, px).bad() || !px) throw std::runtime_error("no pixel data read back");
    DcmItem* shared = nullptr;
    ds->findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
    for (int f = 0; f < frames; ++f) {
      DcmItem* per = nullptr;
      ds->findAndGetSequenceItem(DCM_PerFrameFunctionalGroupsSequence, per, f);
      auto pick = [&](const DcmTagKey& seq, const DcmTagKey& key) {
        for (DcmItem* g : {per, shared})
          if (DcmItem* m = Macro(g, seq)) {
            auto v = Doubles(m, key);
            if (!v.empty()) return v;
          }
        return Doubles(ds, key);
      };
      const auto ipp = pick(DCM_PlanePositionSequence, DCM_ImagePositionPatient);
      const auto iop = pick(DCM_PlaneOrientationSequence, DCM_ImageOrientationPatient);
      const auto sp = pick(DCM_PixelMeasuresSequence, DCM_PixelSpacing);
      auto slope = pick(DCM_PixelValueTransformationSequence, DCM_RescaleSlope);
      auto inter = pick(DCM_PixelValueTransformationSequence, DCM_RescaleIntercept);
      if (ipp.size() != 3 || iop.size() != 6 || sp.size() != 2) throw std::runtime_error("geometry missing on read back");
      const double m = slope.empty() ? 1.0 : slope[0], b = inter.empty() ? 0.0 : inter[0];
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
          Vec3 p;
          for (int i = 0; i < 3; ++i) p[i] = ipp[i] + iop[i] * sp[1] * c + iop[3 + i] * sp[0] * r;
          const Uint16 raw = px[static_cast<size_t>(f) * rows * cols + static_cast<size_t>(r) * cols + c];
          const uint32_t masked = raw & ((1u << bits) - 1u);
          int64_t stored = masked;
          if (pixrep == 1 && (masked >> (bits - 1)) & 1u) stored -= int64_t{1} << bits;
          out.position.push_back(p);
          out.stored.push_back(stored);
          out.value.push_back(static_cast<float>(stored * m + b));
        }
    }
    ++out.objects;
  }
  return out;
}

std::vector<double> AnteriorDepthMap(const ReadBack& r, float level, int* width, int* height) {
  *width = 91;
  *height = 91;
  std::vector<double> map(static_cast<size_t>(*width) * *height, 1e9);
  for (size_t i = 0; i < r.value.size(); ++i) {
    if (r.value[i] < level) continue;
    const Vec3& p = r.position[i];
    const int u = static_cast<int>(std::lround((p[0] + 90.0) / 2.0)), v = static_cast<int>(std::lround((p[2] + 72.0) / 2.0));
    if (u < 0 || v < 0 || u >= *width || v >= *height) continue;
    double& d = map[static_cast<size_t>(v) * *width + u];
    d = std::min(d, p[1]);
  }
  return map;
}

double FaceZoneResidual(const std::vector<double>& before, const std::vector<double>& after, int width, int height) {
  size_t zone = 0, unchanged = 0;
  for (int v = 0; v < height; ++v)
    for (int u = 0; u < width; ++u) {
      const double x = u * 2.0 - 90.0, z = v * 2.0 - 72.0;
      if (std::abs(x) > 45.0 || z < -71.0 || z > -15.0) continue;
      const size_t i = static_cast<size_t>(v) * width + u;
      if (before[i] > 1e8) continue;
      ++zone;
      if (after[i] < 1e8 && std::abs(after[i] - before[i]) < 2.0) ++unchanged;
    }
  if (zone < 100) throw std::runtime_error("face zone has almost no surface: the phantom is wrong");
  return static_cast<double>(unchanged) / zone;
}

}  // namespace rwd::testing
