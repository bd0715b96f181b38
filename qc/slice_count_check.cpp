// slice_count: too few slices for 3-D use (the research note's D10: fewer
// than 10 slices; MRIQC and most 3-D models need a volume). Value: the number
// of slices. A 2-D series (scout, single image) warns: it is released, but a
// scientist building a 3-D cohort should know.
#include "qc/checks.h"

namespace rwd::qc {

CheckResult CheckSliceCount(const SeriesVolume& v, const Thresholds& t) {
  return Grade("slice_count", static_cast<double>(v.slices.size()), t);
}

}  // namespace rwd::qc
