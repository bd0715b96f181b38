// orientation: ImageOrientationPatient is two orthonormal direction cosines
// (PS3.3 C.7.6.2.1.1: unit row and column vectors, orthogonal). Value: the
// largest of | |r| - 1 |, | |c| - 1 | and |r . c| over the slices (dcm2niix
// and ITK reject non-orthonormal cosines). A slice without
// ImageOrientationPatient or ImagePositionPatient gives 1 (fails): no volume
// can be placed in patient space. Oblique planes are fine.
#include <algorithm>
#include <cmath>

#include "qc/checks.h"
#include "qc/slice_stack.h"

namespace rwd::qc {

CheckResult CheckOrientation(const SeriesVolume& v, const Thresholds& t) {
  if (v.slices.empty()) return NotApplicable("orientation", "no slices");
  double worst = 0;
  for (const SliceGeometry& g : v.slices) {
    if (!g.orientation || !g.position)
      return Grade("orientation", 1.0, t, "missing ImageOrientationPatient or ImagePositionPatient");
    const auto& o = *g.orientation;
    const Vec3 r{o[0], o[1], o[2]}, c{o[3], o[4], o[5]};
    worst = std::max({worst, std::abs(Norm(r) - 1), std::abs(Norm(c) - 1), std::abs(Dot(r, c))});
  }
  return Grade("orientation", worst, t);
}

}  // namespace rwd::qc
