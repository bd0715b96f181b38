// duplicate_slice: slices at the same position (two positions closer than
// 0.01 mm along the slice normal, dcm2niix's and the research note's D5
// tolerance), or, without positions, the same InstanceNumber twice. Value:
// the number of such extra slices. A series that legitimately repeats
// positions (several echoes or phases) must be split before QC; it fails
// here.
#include <set>

#include "qc/checks.h"
#include "qc/slice_stack.h"

namespace rwd::qc {

CheckResult CheckDuplicateSlice(const SeriesVolume& v, const Thresholds& t) {
  if (v.slices.empty()) return NotApplicable("duplicate_slice", "no slices");
  const SliceStack s = AnalyzeStack(v);
  if (s.has_geometry) {
    int count = 0;
    for (double d : s.spacing) count += d < kSamePositionMm;
    return Grade("duplicate_slice", count, t, "ImagePositionPatient along the normal");
  }
  std::multiset<int> seen;
  int count = 0;
  for (const SliceGeometry& g : v.slices)
    if (g.instance_number) {
      count += seen.count(*g.instance_number) > 0;
      seen.insert(*g.instance_number);
    }
  return Grade("duplicate_slice", count, t, "InstanceNumber (no positions)");
}

}  // namespace rwd::qc
