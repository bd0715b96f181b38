#include "anonymizer/deface/cut.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace rwd::deface {
namespace {

double Dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

Plane ShearPlane(const HeadModel& head, const GridShape& s, const CutOptions& o, bool* fallback) {
  // Brain projected onto (y, z), each cell as its four corners in mm.
  std::vector<cv::Point2f> points;
  std::vector<uint8_t> seen(static_cast<size_t>(s.ny) * s.nz, 0);
  for (int z = 0; z < s.nz; ++z)
    for (int y = 0; y < s.ny; ++y)
      for (int x = 0; x < s.nx; ++x)
        if (head.brain[s.Index(x, y, z)]) {
          seen[static_cast<size_t>(z) * s.ny + y] = 1;
          break;
        }
  const float h = static_cast<float>(s.spacing / 2);
  for (int z = 0; z < s.nz; ++z)
    for (int y = 0; y < s.ny; ++y)
      if (seen[static_cast<size_t>(z) * s.ny + y]) {
        const float py = static_cast<float>(s.origin[1] + s.spacing * y), pz = static_cast<float>(s.origin[2] + s.spacing * z);
        for (float dy : {-h, h})
          for (float dz : {-h, h}) points.emplace_back(py + dy, pz + dz);
      }
  std::vector<cv::Point2f> hull;
  cv::convexHull(points, hull);
  cv::Point2f centroid(0, 0);
  for (const auto& p : hull) centroid += p;
  centroid *= 1.0f / static_cast<float>(hull.size());
  const double diag = 1.0 / std::sqrt(2.0);  // anterior (-y) and inferior (-z)
  double best = -2;
  Plane plane;
  for (size_t i = 0; i < hull.size(); ++i) {
    const cv::Point2f a = hull[i], b = hull[(i + 1) % hull.size()];
    const double len = std::hypot(b.x - a.x, b.y - a.y);
    if (len < o.min_edge_mm) continue;
    double ny = (b.y - a.y) / len, nz = -(b.x - a.x) / len;
    if (ny * (a.x - centroid.x) + nz * (a.y - centroid.y) < 0) {
      ny = -ny;
      nz = -nz;
    }
    const double score = -ny * diag - nz * diag;
    if (score > best) {
      best = score;
      plane.normal = {0, ny, nz};
      plane.offset = ny * a.x + nz * a.y;
    }
  }
  *fallback = best < std::cos(45.0 * M_PI / 180.0) - 1e-9;
  if (*fallback) {
    plane.normal = {0, -diag, -diag};
    plane.offset = -1e30;
    for (const auto& p : hull) plane.offset = std::max(plane.offset, -diag * p.x - diag * p.y);
  }
  plane.offset += o.buffer_mm;
  return plane;
}

}  // namespace

bool Cut::Removes(const Vec3& p) const {
  if (plane.Removes(p)) return true;
  int x, y, z;
  return !band.empty() && grid.NearestCell(p, &x, &y, &z) && band[grid.Index(x, y, z)];
}

Cut ComputeCut(const HeadModel& head, const GridShape& s, const CutOptions& o) {
  Cut cut;
  cut.options = o;
  cut.grid = s;
  cut.nasion = head.landmarks.nasion;
  cut.plane = ShearPlane(head, s, o, &cut.plane_fallback);
  cut.brain_distance = head.brain_distance;
  cut.band.assign(s.size(), 0);
  if (!cut.nasion) return cut;
  const double top = (*cut.nasion)[2] + o.band_above_nasion_mm;
  Plane inner = cut.plane;
  inner.offset -= o.band_margin_mm;
  // The skin's own partial-volume layer lies just outside the envelope.
  const Mask near_head = Dilate(head.envelope, s, 4.0);
  for (int z = 0; z < s.nz; ++z)
    for (int y = 0; y < s.ny; ++y)
      for (int x = 0; x < s.nx; ++x) {
        const size_t i = s.Index(x, y, z);
        const Vec3 p = s.Center(x, y, z);
        cut.band[i] = near_head[i] && head.skin_depth[i] <= o.band_depth_mm &&
                      head.brain_distance[i] >= o.band_guard_mm && inner.Removes(p) && p[2] <= top;
      }
  return cut;
}

ApplyResult Apply(const Cut& cut, SeriesVolume& v, float fill) {
  ApplyResult out;
  const VolumeGeometry& g = v.geometry;
  const GridShape& s = cut.grid;
  Vec3 dc, dr;
  for (int i = 0; i < 3; ++i) {
    dc[i] = g.column_spacing * g.row_direction[i];
    dr[i] = g.row_spacing * g.column_direction[i];
  }
  const double inv = 1.0 / s.spacing;
  const double plane_dc = Dot(cut.plane.normal, dc);
  for (size_t sl = 0; sl < v.slices.size(); ++sl) {
    float* vox = v.voxels.data() + sl * v.slice_size();
    bool touched = false;
    for (int r = 0; r < v.rows; ++r) {
      const Vec3 p0 = v.PositionOf(sl, r, 0);
      double side = Dot(cut.plane.normal, p0) - cut.plane.offset;
      double fx = (p0[0] - s.origin[0]) * inv + 0.5, fy = (p0[1] - s.origin[1]) * inv + 0.5,
             fz = (p0[2] - s.origin[2]) * inv + 0.5;
      const double sx = dc[0] * inv, sy = dc[1] * inv, sz = dc[2] * inv;
      for (int c = 0; c < v.columns; ++c, side += plane_dc, fx += sx, fy += sy, fz += sz) {
        bool removed = side > 0;
        if (!removed && fx >= 0 && fy >= 0 && fz >= 0) {
          const int x = static_cast<int>(fx), y = static_cast<int>(fy), z = static_cast<int>(fz);
          removed = x < s.nx && y < s.ny && z < s.nz && cut.band[s.Index(x, y, z)];
        }
        if (!removed) continue;
        const uint32_t off = static_cast<uint32_t>(r * v.columns + c);
        if (vox[off] == fill) continue;
        out.changed.push_back({static_cast<uint32_t>(sl), off, vox[off]});
        vox[off] = fill;
        touched = true;
      }
    }
    if (touched) out.changed_slices.push_back(sl);
  }
  return out;
}

void Undo(const ApplyResult& applied, SeriesVolume& v) {
  for (const ChangedVoxel& c : applied.changed) v.voxels[c.slice * v.slice_size() + c.offset] = c.before;
}

}  // namespace rwd::deface
