#include "anonymizer/deface/deface_gate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "anonymizer/deface/face_render.h"

namespace rwd::deface {
namespace {

struct ZoneResidual {
  size_t zone = 0, unchanged = 0;
  double share() const { return zone ? static_cast<double>(unchanged) / zone : 1.0; }
};

// Eye/nose/mouth zone around the nasion: 50 mm either side of the midline,
// 70 mm below to 25 mm above, at most 35 mm behind the nasion's skin.
bool InFaceZone(const Vec3& p, const Vec3& nasion) {
  return std::abs(p[0] - nasion[0]) <= 50.0 && p[2] >= nasion[2] - 70.0 && p[2] <= nasion[2] + 25.0 &&
         p[1] <= nasion[1] + 35.0;
}

ZoneResidual Residual(const WorkGrid& before, const WorkGrid& after, float level, const Vec3& nasion, const View& view) {
  const DepthMap a = RenderDepth(before, level, nasion, view, -60, 60, -75, 30, 2.0);
  const DepthMap b = RenderDepth(after, level, nasion, view, -60, 60, -75, 30, 2.0);
  ZoneResidual r;
  for (size_t i = 0; i < a.depth.size(); ++i) {
    if (a.depth[i] < 0 || !InFaceZone(a.hit[i], nasion)) continue;
    ++r.zone;
    if (b.depth[i] >= 0 && std::abs(b.depth[i] - a.depth[i]) < 2.0f) ++r.unchanged;
  }
  return r;
}

}  // namespace

GateMeasurements MeasureGate(const Cut& cut, const SeriesVolume& v, const ApplyResult& applied, const WorkGrid& before,
                             const WorkGrid& after, double head_threshold, bool is_ct, const GateOptions& o) {
  GateMeasurements m;
  m.voxels_changed = applied.changed.size();
  m.clearance_mm = 1e9;
  size_t removed_tissue = 0;
  const float level = static_cast<float>(head_threshold);
  for (const ChangedVoxel& c : applied.changed) {
    const int r = static_cast<int>(c.offset / v.columns), col = static_cast<int>(c.offset % v.columns);
    const Vec3 p = v.PositionOf(c.slice, r, col);
    const float d = Sample(cut.grid, cut.brain_distance, p, 1e9f);
    int x, y, z;
    if (cut.grid.NearestCell(p, &x, &y, &z) && cut.brain_distance[cut.grid.Index(x, y, z)] <= o.brain_dilation_mm)
      ++m.brain_voxels_changed;
    m.clearance_mm = std::min(m.clearance_mm, static_cast<double>(d));
    if (c.before >= level) ++removed_tissue;
  }
  size_t tissue_now = 0;
  for (float x : v.voxels) tissue_now += x >= level;
  const size_t tissue = tissue_now + removed_tissue;
  m.removed_share = tissue ? static_cast<double>(removed_tissue) / tissue : 0.0;

  const Vec3 nasion = *cut.nasion;
  const float levels_ct[3] = {-500.0f, -300.0f, -100.0f};
  const float levels_mr[3] = {0.6f * level, level, 1.6f * level};
  const float* levels = is_ct ? levels_ct : levels_mr;
  const View views[6] = {{0, 0}, {30, 0}, {-30, 0}, {0, -20}, {30, -20}, {-30, -20}};
  m.residual = 0;
  for (const View& view : views)
    for (int l = 0; l < 3; ++l) {
      const ZoneResidual r = Residual(before, after, levels[l], nasion, view);
      if (view.yaw_deg == 0 && view.pitch_deg == 0 && l == 1) {
        m.residual_frontal = r.share();
        m.zone_pixels = r.zone;
      }
      if (r.zone >= 50) m.residual = std::max(m.residual, r.share());
    }
  if (m.zone_pixels < 50) m.residual = 1;  // no face surface to judge: fail closed
  return m;
}

std::string GateFailure(const GateMeasurements& m, const GateOptions& o) {
  char buf[160];
  if (m.brain_voxels_changed > 0) {
    std::snprintf(buf, sizeof buf, "%zu changed voxels inside the dilated brain mask", m.brain_voxels_changed);
    return buf;
  }
  if (m.clearance_mm < o.min_clearance_mm) {
    std::snprintf(buf, sizeof buf, "clearance to the brain %.1f mm < %.1f mm", m.clearance_mm, o.min_clearance_mm);
    return buf;
  }
  if (m.residual > o.max_residual) {
    std::snprintf(buf, sizeof buf, "face surface residual %.1f %% > %.1f %%", 100 * m.residual, 100 * o.max_residual);
    return buf;
  }
  if (m.removed_share < o.min_removed_share || m.removed_share > o.max_removed_share) {
    std::snprintf(buf, sizeof buf, "removed %.1f %% of the head, outside %.0f-%.0f %%", 100 * m.removed_share,
                  100 * o.min_removed_share, 100 * o.max_removed_share);
    return buf;
  }
  return "";
}

}  // namespace rwd::deface
