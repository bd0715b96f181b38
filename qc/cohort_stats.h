#pragma once
// Cohort-relative grading: robust z-scores of a check's value against the
// values earlier series of the same group had. The group is the site +
// scanner model + protocol group; the caller (the gateway, from the
// database) chooses it and gives the history. MRIQC publishes no universal
// thresholds and recommends judging against the site/protocol distribution
// (Esteban et al. 2017, PLoS ONE 12:e0184661); the z is
// (x - median) / (1.4826 * MAD), the usual consistent estimator of sigma.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "qc/check_result.h"
#include "rules/qc_config.h"

namespace rwd::qc {

// The history of one group: check name -> earlier values (any order).
struct CohortStats {
  std::map<std::string, std::vector<double>, std::less<>> values;
};

// (x - median) / (1.4826 * MAD) over `history`; nullopt when the history has
// fewer than `min_values` finite values or its MAD is 0.
std::optional<double> RobustZ(double x, const std::vector<double>& history, int min_values);

// Applies the cohort to a graded result of a cohort check (see
// rules::QcCheckDefault::cohort): when the history of `r.name` is big
// enough, sets basis "cohort", z and cohort_n, and the verdict becomes the
// worse of the absolute one and the one the z gives (|z| >= warn_z / fail_z
// in the check's bad direction); the threshold then is the cohort's value at
// that z. The absolute thresholds stay as guards. Otherwise only cohort_n is
// set. Results that are na are returned unchanged.
CheckResult ApplyCohort(CheckResult r, const CohortStats& cohort, const rules::QcConfig& config);

}  // namespace rwd::qc
