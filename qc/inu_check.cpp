// inu: MR intensity non-uniformity (the bias field of coil sensitivity and
// B1 inhomogeneity). MRIQC summarises N4's estimated field inside the brain
// (Esteban et al. 2017, "INU"; Tustison et al. 2010 for N4); the research
// note's MR8 grades the spread of a heavily smoothed log-foreground field.
// Here the field is a low-order fit, as in the classic surface-fitting
// methods (Vovk, Pernus & Likar 2007, IEEE TMI 26:405, review): on up to 24
// evenly spaced slices, the head (foreground.h) eroded by 8 mm (no scalp,
// no edge), in blocks of about 6 mm holding at least 75 % head, the 75th
// percentile of log intensity (the brighter tissue of the block: white
// matter where there is some); a second-order polynomial in the three voxel
// coordinates (10 terms) fitted by least squares, twice refitted without
// blocks whose residual exceeds 2.5 robust SDs (CSF, vessels, lesions).
// Value: the ratio of the fitted field's 95th to 5th percentile over the
// blocks (1: uniform). Cohort z applies (coils and sequences differ).
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/robust_stats.h"
#include "qc/slice_stack.h"

namespace rwd::qc {
namespace {

constexpr double kBlockMm = 6, kErodeMm = 8;
constexpr int kTerms = 10;

struct Block {
  double x, y, z, value;
};

void Terms(const Block& b, double* t) {
  t[0] = 1;
  t[1] = b.x, t[2] = b.y, t[3] = b.z;
  t[4] = b.x * b.x, t[5] = b.y * b.y, t[6] = b.z * b.z;
  t[7] = b.x * b.y, t[8] = b.x * b.z, t[9] = b.y * b.z;
}

// Least-squares coefficients over the blocks marked in `use`.
cv::Mat Fit(const std::vector<Block>& blocks, const std::vector<bool>& use) {
  cv::Mat ata = cv::Mat::zeros(kTerms, kTerms, CV_64F), atb = cv::Mat::zeros(kTerms, 1, CV_64F);
  double t[kTerms];
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (!use[i]) continue;
    Terms(blocks[i], t);
    for (int a = 0; a < kTerms; ++a) {
      atb.at<double>(a) += t[a] * blocks[i].value;
      for (int b = 0; b < kTerms; ++b) ata.at<double>(a, b) += t[a] * t[b];
    }
  }
  cv::Mat coef;
  cv::solve(ata, atb, coef, cv::DECOMP_SVD);
  return coef;
}

double Eval(const cv::Mat& coef, const Block& b) {
  double t[kTerms], s = 0;
  Terms(b, t);
  for (int a = 0; a < kTerms; ++a) s += coef.at<double>(a) * t[a];
  return s;
}

}  // namespace

CheckResult CheckInu(const SeriesVolume& v, const Thresholds& t) {
  if (!IsMr(v)) return NotApplicable("inu", "not MR");
  if (v.voxels.empty()) return NotApplicable("inu", "no voxels");
  const Foreground fg = ForegroundOf(v);
  const auto [dy, dx] = PixelSpacingMm(v);
  const double dz = std::max(AnalyzeStack(v).median_spacing, 1e-3);
  const int bx = std::max(2, static_cast<int>(std::lround(kBlockMm / dx)));
  const int by = std::max(2, static_cast<int>(std::lround(kBlockMm / dy)));
  const int er = std::max(1, static_cast<int>(std::lround(kErodeMm / std::min(dx, dy))));
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * er + 1, 2 * er + 1));
  const std::vector<size_t> sample = SampleSlices(v.slices.size(), 24);
  std::vector<Block> blocks;
  std::mutex mu;
  ForEachSlice(sample.size(), [&](size_t k) {
    const cv::Mat m = SliceMat(v, sample[k]);
    cv::Mat inner;
    cv::erode(BodyMask(v, sample[k], fg), inner, kernel);
    std::vector<Block> local;
    std::vector<float> values;
    for (int r0 = 0; r0 + by <= m.rows; r0 += by)
      for (int c0 = 0; c0 + bx <= m.cols; c0 += bx) {
        values.clear();
        for (int r = r0; r < r0 + by; ++r) {
          const float* p = m.ptr<float>(r);
          const uint8_t* in = inner.ptr<uint8_t>(r);
          for (int c = c0; c < c0 + bx; ++c)
            if (in[c] && p[c] > 0) values.push_back(std::log(p[c]));
        }
        if (values.size() * 4 < static_cast<size_t>(bx * by) * 3) continue;
        local.push_back({(c0 + bx / 2.0) * dx, (r0 + by / 2.0) * dy, static_cast<double>(sample[k]) * dz,
                         QuantileF(values, 0.75)});
      }
    std::lock_guard<std::mutex> lock(mu);
    blocks.insert(blocks.end(), local.begin(), local.end());
  });
  if (blocks.size() < 50) return NotApplicable("inu", "too little head away from its edge");
  // Coordinates centred and scaled to about [-1, 1]: a well-conditioned fit.
  double lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300};
  for (const Block& b : blocks) {
    const double c[3] = {b.x, b.y, b.z};
    for (int i = 0; i < 3; ++i) lo[i] = std::min(lo[i], c[i]), hi[i] = std::max(hi[i], c[i]);
  }
  auto scaled = [&](double x, int i) { return hi[i] > lo[i] ? 2 * (x - lo[i]) / (hi[i] - lo[i]) - 1 : 0.0; };
  for (Block& b : blocks) b = {scaled(b.x, 0), scaled(b.y, 1), scaled(b.z, 2), b.value};
  std::vector<bool> use(blocks.size(), true);
  cv::Mat coef = Fit(blocks, use);
  for (int round = 0; round < 2; ++round) {
    std::vector<double> residual(blocks.size());
    for (size_t i = 0; i < blocks.size(); ++i) residual[i] = blocks[i].value - Eval(coef, blocks[i]);
    std::vector<double> used;
    for (size_t i = 0; i < blocks.size(); ++i)
      if (use[i]) used.push_back(residual[i]);
    const double med = Median(used);
    for (double& x : used) x = std::abs(x - med);
    const double limit = 2.5 * 1.4826 * Median(used);
    for (size_t i = 0; i < blocks.size(); ++i) use[i] = std::abs(residual[i] - med) <= limit;
    coef = Fit(blocks, use);
  }
  std::vector<double> field;
  for (const Block& b : blocks) field.push_back(Eval(coef, b));
  const double spread = Quantile(field, 0.95) - Quantile(field, 0.05);
  return Grade("inu", std::exp(spread), t, "p95/p5 of a second-order fit to the log intensity of the inner head");
}

}  // namespace rwd::qc
