// padding: image area inside the reconstruction circle that holds no data.
// Scanners fill the pixels outside the reconstruction circle with a padding
// value (PixelPaddingValue, PS3.3 C.7.5.1.1.2; commonly -2000 or -3024 HU),
// which every other check leaves out (below -1500 HU, or the declared
// value: the research note's CT7). Padding inside the circle is data that
// is not there: a blanked sector, a cropped reconstruction, or an intercept
// that sends real values below any physical CT number. Value: the 95th
// percentile over 16 evenly spaced slices of the fraction of the circle
// inscribed in the image that is padding. The note says whether the series
// declares PixelPaddingValue.
#include <algorithm>
#include <cmath>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/robust_stats.h"

namespace rwd::qc {

CheckResult CheckPadding(const SeriesVolume& v, const Thresholds& t) {
  if (!IsCt(v)) return NotApplicable("padding", "not CT");
  if (v.voxels.empty()) return NotApplicable("padding", "no voxels");
  constexpr float kBelowAir = -1500;
  // A declared value in the physical range (e.g. -1024) would count air: only
  // values below air are padding then.
  const std::optional<double> declared = v.facts.pixel_padding_value;
  const bool use_declared = declared && *declared < -1100;
  const std::vector<size_t> sample = SampleSlices(v.slices.size(), 16);
  std::vector<double> fraction(sample.size(), 0);
  const double cy = (v.rows - 1) / 2.0, cx = (v.columns - 1) / 2.0;
  const double radius = std::min(v.rows, v.columns) / 2.0 - 2;  // inside, clear of the circle's edge
  ForEachSlice(sample.size(), [&](size_t k) {
    const auto slice = v.slice(sample[k]);
    long long inside = 0, padded = 0;
    for (int r = 0; r < v.rows; ++r) {
      const double dy2 = (r - cy) * (r - cy);
      if (dy2 > radius * radius) continue;
      const int half = static_cast<int>(std::sqrt(radius * radius - dy2));
      const float* p = slice.data() + static_cast<size_t>(r) * v.columns;
      for (int c = std::max(0, static_cast<int>(cx) - half); c <= std::min(v.columns - 1, static_cast<int>(cx) + half); ++c) {
        ++inside;
        padded += p[c] < kBelowAir || (use_declared && p[c] == static_cast<float>(*declared));
      }
    }
    fraction[k] = inside ? static_cast<double>(padded) / static_cast<double>(inside) : 0.0;
  });
  return Grade("padding", Quantile(std::move(fraction), 0.95), t,
               declared ? "padding inside the reconstruction circle (PixelPaddingValue declared)"
                        : "padding inside the reconstruction circle (no PixelPaddingValue)");
}

}  // namespace rwd::qc
