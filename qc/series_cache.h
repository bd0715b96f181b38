#pragma once
// What several checks derive from the same series (the foreground threshold,
// smoothed body masks, MR head/air voxels, the cranium floor), computed once
// per RunQc call. Internal to qc/.
//
// RunQc holds a ScopedSeriesCache for its volume while the checks run; the
// helpers in foreground.h and mr_regions.h look it up by the volume's
// address and fill it on first use. Without one (a check called on its own)
// they compute afresh. REQUIRES: the volume is not changed while a
// ScopedSeriesCache for it exists. Thread-safe.
#include <opencv2/core.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/series_volume.h"
#include "qc/foreground.h"
#include "qc/mr_regions.h"

namespace rwd::qc {

struct SeriesCache {
  explicit SeriesCache(size_t slices) : mask_once(new std::once_flag[slices]), masks(slices) {}
  std::once_flag foreground_once;
  Foreground foreground;
  std::unique_ptr<std::once_flag[]> mask_once;
  std::vector<cv::Mat> masks;  // smoothed body masks (when Foreground::box > 1)
  std::once_flag regions_once;
  MrRegions regions;
  std::once_flag floor_once;
  std::optional<double> cranium_floor;
};

// The cache registered for `v`, or nullptr (shared: it stays valid for the
// caller even if the RunQc that registered it ends meanwhile).
std::shared_ptr<SeriesCache> FindSeriesCache(const SeriesVolume& v);

class ScopedSeriesCache {
 public:
  explicit ScopedSeriesCache(const SeriesVolume& v);
  ~ScopedSeriesCache();
  ScopedSeriesCache(const ScopedSeriesCache&) = delete;
  ScopedSeriesCache& operator=(const ScopedSeriesCache&) = delete;

 private:
  const SeriesVolume* volume_;
  bool owner_ = false;  // false when the volume already had one (nested)
};

}  // namespace rwd::qc
