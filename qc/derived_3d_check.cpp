// derived_3d: 3-D renderings (volume rendering, MIP, surface shading) are
// derived images that, for a head, show the face: PS3.15 E.3.13 (Clean
// Recognizable Visual Features) cannot be met by header work, so the shipped
// action is quarantine. Renderings of a region a head is never in (an
// ankle, a pelvis: core/rendering.h) show no face and are not counted; their
// pixel checks are n.a. all the same (RunQc).
// Value: the number of rendering slices that may show a head.
#include "core/rendering.h"
#include "qc/checks.h"

namespace rwd::qc {

CheckResult CheckDerived3d(const SeriesVolume& v, const Thresholds& t) {
  if (v.slices.empty()) return NotApplicable("derived_3d", "no slices");
  if (RegionOf(v.facts) == BodyRegion::kAwayFromHead) return Grade("derived_3d", 0, t, "ImageType, away from the head");
  int count = 0;
  for (const SliceGeometry& g : v.slices) count += IsRenderingImageType(g.image_type);
  return Grade("derived_3d", count, t, "ImageType");
}

}  // namespace rwd::qc
