#pragma once
// Head (foreground) and air (background) voxels of an MR series, as MRIQC
// defines its masks in spirit (Esteban et al. 2017): the head is
// foreground.h's, air is outside it, more than 10 pixels away, connected to
// the image border and not in the 3-pixel image border. Internal to qc/.
#include <cstddef>
#include <vector>

#include "core/series_volume.h"

namespace rwd::qc {

struct MrRegions {
  std::vector<float> head;  // voxel values (every voxel of the sampled slices)
  std::vector<float> air;
  double air_zero_fraction = 0;  // exact zeros among air voxels
  // Order statistics, computed once (0 when the region is empty).
  double head_q20 = 0, head_median = 0, head_q80 = 0;
  double air_median = 0, air_mad = 0;  // MAD: median |x - median|
  // Zero-filled or masked background (parallel imaging, vendor masking):
  // more than half of the air is exactly 0; air statistics then mean nothing.
  bool suppressed() const { return air_zero_fraction > 0.5; }
};

inline constexpr size_t kMrRegionSlices = 48;
// Over up to kMrRegionSlices evenly spaced slices; the cached result during
// RunQc (series_cache.h), else computed into `storage`.
// REQUIRES: !v.voxels.empty().
const MrRegions& CollectMrRegions(const SeriesVolume& v, MrRegions& storage);

}  // namespace rwd::qc
