// slice_spacing: regularity of the distance between adjacent slices along
// the normal (ITK's and dcm2niix's "slices not equidistant" / "interslice
// distance varies" check). Value: max |d_i - median| / median over the
// spacings that are neither duplicates (< 0.01 mm, duplicate_slice) nor gaps
// of >= 1.5 median (missing_slice), so that each defect has one flag.
#include <algorithm>
#include <cmath>

#include "qc/checks.h"
#include "qc/slice_stack.h"

namespace rwd::qc {

CheckResult CheckSliceSpacing(const SeriesVolume& v, const Thresholds& t) {
  const SliceStack s = AnalyzeStack(v);
  if (!s.has_geometry) return NotApplicable("slice_spacing", "no ImagePositionPatient/ImageOrientationPatient");
  if (s.median_spacing <= 0 || s.spacing.size() < 2) return NotApplicable("slice_spacing", "fewer than 3 positions");
  double worst = 0;
  for (double d : s.spacing) {
    if (d < kSamePositionMm || d >= 1.5 * s.median_spacing) continue;
    worst = std::max(worst, std::abs(d - s.median_spacing) / s.median_spacing);
  }
  return Grade("slice_spacing", worst, t);
}

}  // namespace rwd::qc
