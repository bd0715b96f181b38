#include "qc/cohort_stats.h"

#include <algorithm>
#include <cmath>

namespace rwd::qc {
namespace {

double MedianOf(std::vector<double> v) {
  const size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + n / 2, v.end());
  const double hi = v[n / 2];
  if (n % 2) return hi;
  return (hi + *std::max_element(v.begin(), v.begin() + n / 2)) / 2;
}

struct Robust {
  double median = 0, scale = 0;  // scale = 1.4826 * MAD
};

std::optional<Robust> RobustOf(const std::vector<double>& history, int min_values) {
  std::vector<double> v;
  for (double x : history)
    if (std::isfinite(x)) v.push_back(x);
  if (v.empty() || static_cast<int>(v.size()) < min_values) return std::nullopt;
  Robust r;
  r.median = MedianOf(v);
  for (double& x : v) x = std::abs(x - r.median);
  r.scale = 1.4826 * MedianOf(v);
  if (!(r.scale > 0)) return std::nullopt;
  return r;
}

}  // namespace

std::optional<double> RobustZ(double x, const std::vector<double>& history, int min_values) {
  const auto r = RobustOf(history, min_values);
  if (!r) return std::nullopt;
  return (x - r->median) / r->scale;
}

CheckResult ApplyCohort(CheckResult r, const CohortStats& cohort, const rules::QcConfig& config) {
  const rules::QcCheckDefault* d = rules::FindQcCheck(r.name);
  if (!d || !d->cohort || r.verdict == Verdict::kNa || !r.value) return r;
  const auto it = cohort.values.find(r.name);
  if (it == cohort.values.end()) return r;
  r.cohort_n = static_cast<int>(it->second.size());
  const auto robust = RobustOf(it->second, config.cohort_min_series);
  if (!robust) return r;
  const double z = (*r.value - robust->median) / robust->scale;
  const bool higher = d->direction == rules::QcDirection::kHigherWorse;
  const double bad_z = higher ? z : -z;  // positive: in the bad direction
  r.basis = "cohort";
  r.z = z;
  const double sign = higher ? 1.0 : -1.0;
  Verdict v = Verdict::kPass;
  double level = robust->median + sign * config.cohort_warn_z * robust->scale;
  if (bad_z >= config.cohort_fail_z) {
    v = Verdict::kFail;
    level = robust->median + sign * config.cohort_fail_z * robust->scale;
  } else if (bad_z >= config.cohort_warn_z) {
    v = Verdict::kWarn;
  }
  if (v != r.verdict && Worse(v, r.verdict) == v) {
    r.verdict = v;  // the cohort is stricter than the absolute guard
    r.threshold = level;
  } else if (r.verdict == Verdict::kPass) {
    r.threshold = level;  // both pass: the cohort's warn level is the one in force
  } else {
    r.basis = "absolute";  // the absolute guard decided; the z is still reported
  }
  r.flag = (r.verdict == Verdict::kWarn || r.verdict == Verdict::kFail) ? d->flag : "";
  return r;
}

}  // namespace rwd::qc
