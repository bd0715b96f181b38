// metal: metal in the field of view, the source of streak artefacts
// (Boas & Fleischmann 2012, Imaging Med 4:229: streaks from metal are seen
// in about a fifth of CT scans). Metal voxels are >= 3000 HU: above cortical
// bone (< about 2000 HU; the research note's CT4 uses 2500-3000) and at the
// top of the 12-bit range (3071) where scanners clip metal. Value: the metal
// volume in cm3 (voxel = pixel area x median slice spacing, else
// SliceThickness, else 1 mm). Warns from 0.01 cm3 (a dental filling of a
// few millimetres; no tissue reaches 3000 HU), fails from 1 cm3 (implants,
// prostheses). The streaks themselves are not measured yet.
#include <atomic>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/robust_stats.h"
#include "qc/slice_stack.h"

namespace rwd::qc {

CheckResult CheckMetal(const SeriesVolume& v, const Thresholds& t) {
  if (!IsCt(v)) return NotApplicable("metal", "not CT");
  if (v.voxels.empty()) return NotApplicable("metal", "no voxels");
  constexpr float kMetalHu = 3000;
  std::atomic<long long> count{0};
  ForEachSlice(v.slices.size(), [&](size_t s) {
    long long n = 0;
    for (float x : v.slice(s)) n += x >= kMetalHu;
    count += n;
  });
  const auto [dy, dx] = PixelSpacingMm(v);
  double dz = AnalyzeStack(v).median_spacing;
  if (dz <= 0) {
    std::vector<double> th;
    for (const SliceGeometry& g : v.slices)
      if (g.slice_thickness && *g.slice_thickness > 0) th.push_back(*g.slice_thickness);
    dz = th.empty() ? 1.0 : Median(th);
  }
  return Grade("metal", static_cast<double>(count.load()) * dx * dy * dz / 1000.0, t, "voxels >= 3000 HU");
}

}  // namespace rwd::qc
