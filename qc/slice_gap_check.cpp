// slice_gap: slice thickness against spacing (the research note's D9; a
// spacing larger than SliceThickness leaves tissue unimaged between slices).
// Value: median spacing / median SliceThickness (0018,0050); overlap
// (< 1) is fine. The note's D9 warns above 1.05; the default warns at 1.5
// (gaps over half the thickness): 2-D MR protocols with 10-30 % gaps are
// routine and fit for most uses.
#include <vector>

#include "qc/checks.h"
#include "qc/robust_stats.h"
#include "qc/slice_stack.h"

namespace rwd::qc {

CheckResult CheckSliceGap(const SeriesVolume& v, const Thresholds& t) {
  const SliceStack s = AnalyzeStack(v);
  if (!s.has_geometry || s.median_spacing <= 0) return NotApplicable("slice_gap", "no slice spacing");
  std::vector<double> thickness;
  for (const SliceGeometry& g : v.slices)
    if (g.slice_thickness && *g.slice_thickness > 0) thickness.push_back(*g.slice_thickness);
  if (thickness.empty()) return NotApplicable("slice_gap", "no SliceThickness");
  return Grade("slice_gap", s.median_spacing / Median(thickness), t);
}

}  // namespace rwd::qc
