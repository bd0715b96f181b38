#pragma once
// Head (foreground) and air (background) voxels of an MR series, as MRIQC
// defines its masks in spirit (Esteban et al. 2017): the head is
// foreground.h's, air is outside it, more than 10 pixels away, connected to
// the image border and not in the 3-pixel image border. Internal to qc/.
#include <vector>

#include "core/series_volume.h"

namespace rwd::qc {

struct MrRegions {
  std::vector<float> head;  // voxel values (every voxel of the sampled slices)
  std::vector<float> air;
  double air_zero_fraction = 0;  // exact zeros among air voxels
  // Zero-filled or masked background (parallel imaging, vendor masking):
  // more than half of the air is exactly 0; air statistics then mean nothing.
  bool suppressed() const { return air_zero_fraction > 0.5; }
};

// Over up to `max_slices` evenly spaced slices. REQUIRES: !v.voxels.empty().
MrRegions CollectMrRegions(const SeriesVolume& v, size_t max_slices = 48);

}  // namespace rwd::qc
