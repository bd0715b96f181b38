// missing_slice: slices missing from the stack. dcm2niix warns "Missing
// images?" from InstanceNumber gaps and from gaps in position; the research
// note's D7: a spacing >= 1.5 x the median spacing is a gap. Value: the
// number of slices missing, the larger of round(gap / median) - 1 summed over
// the position gaps and the InstanceNumber gaps (when every slice has a
// distinct InstanceNumber).
#include <algorithm>
#include <cmath>
#include <set>

#include "qc/checks.h"
#include "qc/slice_stack.h"

namespace rwd::qc {

CheckResult CheckMissingSlice(const SeriesVolume& v, const Thresholds& t) {
  if (v.slices.empty()) return NotApplicable("missing_slice", "no slices");
  const SliceStack s = AnalyzeStack(v);
  int by_position = 0;
  if (s.has_geometry && s.median_spacing > 0)
    for (double d : s.spacing)
      if (d >= 1.5 * s.median_spacing)
        by_position += std::max(1, static_cast<int>(std::lround(d / s.median_spacing)) - 1);
  int by_instance = 0;
  std::set<int> numbers;
  bool all = true;
  for (const SliceGeometry& g : v.slices) {
    if (!g.instance_number) all = false;
    else numbers.insert(*g.instance_number);
  }
  const bool instances_usable = all && numbers.size() == v.slices.size() && numbers.size() > 1;
  if (instances_usable)
    by_instance = (*numbers.rbegin() - *numbers.begin() + 1) - static_cast<int>(numbers.size());
  if (!s.has_geometry && !instances_usable)
    return NotApplicable("missing_slice", "no positions and no distinct InstanceNumbers");
  std::string note = by_position >= by_instance ? "gaps in position" : "gaps in InstanceNumber";
  return Grade("missing_slice", std::max(by_position, by_instance), t, note);
}

}  // namespace rwd::qc
