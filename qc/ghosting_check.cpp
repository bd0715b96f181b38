// ghosting: N/2 (Nyquist) ghosts along the phase-encoding direction, the
// signature of motion and of EPI/odd-even errors (MRIQC's gsr, the "ghost
// to signal ratio" of Giannelli et al. 2010, J Appl Clin Med Phys 11:3237):
// the head mask shifted by half the field of view along the phase-encoding
// direction, minus the head (dilated 5 px), is the ghost region G; the air
// elsewhere (beyond 10 px of the head) is the reference B.
// Value: (mean(G) - mean(B)) / mean(head), over slices whose head is at
// least 10 % of the largest (up to 48 of them, evenly spaced); along InPlanePhaseEncodingDirection (0018,1312)
// when given (ROW: along the rows, COL: along the columns), else the larger
// of both. Subtracting B keeps plain noise out of it. Cohort z applies.
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <mutex>

#include "qc/checks.h"
#include "qc/foreground.h"

namespace rwd::qc {
namespace {

// Shifts a mask by half its size: along the rows (columns shift) or columns.
cv::Mat HalfShift(const cv::Mat& m, bool along_row) {
  cv::Mat out(m.size(), m.type());
  if (along_row) {
    const int h = m.cols / 2;
    m(cv::Rect(0, 0, m.cols - h, m.rows)).copyTo(out(cv::Rect(h, 0, m.cols - h, m.rows)));
    m(cv::Rect(m.cols - h, 0, h, m.rows)).copyTo(out(cv::Rect(0, 0, h, m.rows)));
  } else {
    const int h = m.rows / 2;
    m(cv::Rect(0, 0, m.cols, m.rows - h)).copyTo(out(cv::Rect(0, h, m.cols, m.rows - h)));
    m(cv::Rect(0, m.rows - h, m.cols, h)).copyTo(out(cv::Rect(0, 0, m.cols, h)));
  }
  return out;
}

struct Sums {
  double head = 0, ghost = 0, ref = 0;
  double n_head = 0, n_ghost = 0, n_ref = 0;
};

std::optional<double> GhostRatio(const SeriesVolume& v, bool along_row) {
  const Foreground fg = ForegroundOf(v);
  std::vector<double> area(v.slices.size(), 0);
  ForEachSlice(v.slices.size(), [&](size_t s) { area[s] = cv::countNonZero(BodyMask(v, s, fg)); });
  const double max_area = *std::max_element(area.begin(), area.end());
  if (max_area <= 0) return std::nullopt;
  const cv::Mat k5 = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(11, 11));
  const cv::Mat k10 = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(21, 21));
  std::vector<size_t> used;
  for (size_t s = 0; s < v.slices.size(); ++s)
    if (area[s] >= 0.1 * max_area) used.push_back(s);
  used = [&] {
    std::vector<size_t> out;
    for (size_t i : SampleSlices(used.size(), 48)) out.push_back(used[i]);
    return out;
  }();
  Sums total;
  std::mutex mu;
  ForEachSlice(used.size(), [&](size_t k) {
    const size_t s = used[k];
    const cv::Mat m = SliceMat(v, s);
    const cv::Mat head = BodyMask(v, s, fg);
    cv::Mat near5, near10;
    cv::dilate(head, near5, k5);
    cv::dilate(head, near10, k10);
    const cv::Mat ghost = HalfShift(head, along_row) & ~near5;
    const cv::Mat ref = ~near10 & ~HalfShift(near5, along_row);
    Sums local;
    local.n_head = cv::countNonZero(head);
    local.ghost = cv::mean(m, ghost)[0] * cv::countNonZero(ghost);
    local.n_ghost = cv::countNonZero(ghost);
    local.ref = cv::mean(m, ref)[0] * cv::countNonZero(ref);
    local.n_ref = cv::countNonZero(ref);
    local.head = cv::mean(m, head)[0] * local.n_head;
    std::lock_guard<std::mutex> lock(mu);
    total.head += local.head;
    total.ghost += local.ghost;
    total.ref += local.ref;
    total.n_head += local.n_head;
    total.n_ghost += local.n_ghost;
    total.n_ref += local.n_ref;
  });
  if (total.n_head < 1000 || total.n_ghost < 500 || total.n_ref < 500) return std::nullopt;
  const double head = total.head / total.n_head;
  if (!(head > 0)) return std::nullopt;
  return (total.ghost / total.n_ghost - total.ref / total.n_ref) / head;
}

}  // namespace

CheckResult CheckGhosting(const SeriesVolume& v, const Thresholds& t) {
  if (!IsMr(v)) return NotApplicable("ghosting", "not MR");
  if (v.voxels.empty()) return NotApplicable("ghosting", "no voxels");
  const std::string& pe = v.facts.phase_encoding_direction;
  std::optional<double> row, col;
  if (pe != "COL") row = GhostRatio(v, true);
  if (pe != "ROW") col = GhostRatio(v, false);
  if (!row && !col) return NotApplicable("ghosting", "no ghost region outside the head");
  const bool use_row = row && (!col || *row >= *col);
  return Grade("ghosting", use_row ? *row : *col, t,
               pe.empty() ? (use_row ? "phase encoding unknown: along rows" : "phase encoding unknown: along columns")
                          : "along InPlanePhaseEncodingDirection");
}

}  // namespace rwd::qc
