#pragma once
// The body (CT) or head/body (MR and others) of a series: the voxels that
// are not air. Shared by the pixel checks. Internal to qc/ (uses OpenCV).
//
// CT: HU > -500 on the original pixels (air is -1000, fat -100: PS3.3 C.11.1
// Hounsfield scale; the usual body threshold, e.g. Christianson et al. 2015).
// Others: Otsu's threshold (Otsu 1979) of the 5x5-box-smoothed voxels of up
// to 32 evenly spaced slices, as MRQy and MRIQC's head masks start from;
// smoothing keeps a noisy background from reading as head.
#include <opencv2/core.hpp>

#include <cstddef>
#include <optional>
#include <vector>

#include "core/series_volume.h"

namespace rwd::qc {

struct Foreground {
  float threshold = 0;  // modality units, on the (smoothed) voxels
  int box = 1;          // box filter size applied before thresholding (1: none)
};

bool IsCt(const SeriesVolume& v);
bool IsMr(const SeriesVolume& v);
// BodyPartExamined HEAD/BRAIN/SKULL (head protocols).
bool IsHead(const SeriesVolume& v);

Foreground ForegroundOf(const SeriesVolume& v);
// REQUIRES: !v.voxels.empty(). A CV_32F view of slice s (no copy).
cv::Mat SliceMat(const SeriesVolume& v, size_t s);
// Slice s smoothed as `f` says (a copy when box > 1, else the view).
cv::Mat Smoothed(const SeriesVolume& v, size_t s, const Foreground& f);
// CV_8U, 255 where the (smoothed) voxel is above the threshold. Read-only:
// during RunQc smoothed masks are shared (series_cache.h).
cv::Mat BodyMask(const SeriesVolume& v, size_t s, const Foreground& f);
// 255 where not body and connected to the image border (external air): the
// holes of the body (lungs, sinuses, bowel gas) are not external.
cv::Mat ExternalAir(const cv::Mat& body_mask);

// Head protocols: the coverage checks look at the cranium only, the top
// kCraniumMm of the head (vertex to below the skull base): below it the
// neck and shoulders leave most fields of view, by design.
inline constexpr double kCraniumMm = 120;
// Patient z (LPS: superior is +) of pixel (r, c) of a slice; nullopt
// without position/orientation.
std::optional<double> PixelZ(const SliceGeometry& g, int r, int c);
// The lowest z the coverage checks count for a head series: the top of the
// head (highest body pixel over all slices) minus kCraniumMm. nullopt for
// other series, or without geometry (everything counts).
std::optional<double> CraniumFloorZ(const SeriesVolume& v, const Foreground& f);

// k indices evenly spread over [0, n) (all of them when n <= k).
std::vector<size_t> SampleSlices(size_t n, size_t k);
// (row spacing, column spacing) of the first slice, 1 mm when absent.
std::pair<double, double> PixelSpacingMm(const SeriesVolume& v);

// Runs f(i) for i in [0, n) on the OpenCV thread pool (both cores).
template <typename F>
void ForEachSlice(size_t n, F&& f) {
  cv::parallel_for_(cv::Range(0, static_cast<int>(n)), [&](const cv::Range& r) {
    for (int i = r.start; i < r.end; ++i) f(static_cast<size_t>(i));
  });
}

}  // namespace rwd::qc
