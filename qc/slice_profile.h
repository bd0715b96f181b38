#pragma once
// Per-slice body area and centroid (the convex hull of foreground.h's
// body), for the coverage and motion checks. Internal to qc/.
#include <vector>

#include "core/series_volume.h"

namespace rwd::qc {

struct SliceProfile {
  std::vector<double> area;        // hull area of each slice, mm^2
  std::vector<double> cx, cy;      // body centroid, mm along rows and columns (0 when no body)
  double max_area = 0;
};

// REQUIRES: !v.voxels.empty().
SliceProfile ProfileSlices(const SeriesVolume& v);

}  // namespace rwd::qc
