// Cohort-relative grading: robust z against the history of the same group,
// used from cohort_min_series values on, never for geometry counts, and said
// in the result.
#include <doctest/doctest.h>

#include <cmath>

#include "qc/cohort_stats.h"
#include "qc/run_qc.h"
#include "tests/qc/qc_series.h"

using namespace rwd;

namespace {
std::vector<double> History(int n, double center, double spread) {
  std::vector<double> h;
  for (int i = 0; i < n; ++i) h.push_back(center + spread * ((i % 5) - 2));  // median center, MAD spread
  return h;
}
const qc::CheckResult& Find(const qc::SeriesQc& q, const std::string& name) {
  for (const qc::CheckResult& c : q.checks)
    if (c.name == name) return c;
  FAIL("no check " << name);
  return q.checks.front();
}
}  // namespace

TEST_CASE("RobustZ: (x - median) / (1.4826 MAD), from min_values on") {
  const std::vector<double> h = History(20, 10.0, 1.0);
  REQUIRE(qc::RobustZ(10, h, 20).has_value());
  CHECK(*qc::RobustZ(10, h, 20) == doctest::Approx(0));
  CHECK(*qc::RobustZ(10 + 1.4826 * 3, h, 20) == doctest::Approx(3));
  CHECK_FALSE(qc::RobustZ(12, History(19, 10.0, 1.0), 20).has_value());  // too few
  CHECK_FALSE(qc::RobustZ(12, std::vector<double>(30, 10.0), 20).has_value());  // MAD 0
  std::vector<double> with_nan = h;
  with_nan.push_back(std::nan(""));
  CHECK(*qc::RobustZ(10, with_nan, 20) == doctest::Approx(0));
}

TEST_CASE("cohort grading: stricter than the absolute guard once 20 series exist, and said") {
  const SeriesVolume v = testing::Ch2Series(testing::Plane::kAxial, 0.02);  // SNR about 27: passes the guard
  const qc::SeriesQc alone = qc::RunQc(v, rules::QcConfig{}, nullptr);
  const double snr = *Find(alone, "snr").value;
  CHECK(Find(alone, "snr").verdict == qc::Verdict::kPass);

  // A site whose series have SNR 50 +- 2: this one is far below its cohort.
  qc::CohortStats cohort;
  cohort.values["snr"] = History(25, 50, 2);
  const qc::CheckResult r = Find(qc::RunQc(v, rules::QcConfig{}, &cohort), "snr");
  CHECK(r.basis == "cohort");
  CHECK(r.cohort_n == 25);
  REQUIRE(r.z.has_value());
  CHECK(*r.z == doctest::Approx((snr - 50) / (1.4826 * 2)));
  CHECK(r.verdict == qc::Verdict::kFail);
  CHECK(r.flag == "low_snr");
  CHECK(*r.threshold == doctest::Approx(50 - 5 * 1.4826 * 2));

  // A better-than-usual value is never a defect (one-sided).
  cohort.values["snr"] = History(25, 10, 1);
  const qc::CheckResult high = Find(qc::RunQc(v, rules::QcConfig{}, &cohort), "snr");
  CHECK(high.verdict == qc::Verdict::kPass);
  CHECK(high.basis == "cohort");

  // 19 values: not yet; the absolute guard alone decides, and cohort_n says why.
  cohort.values["snr"] = History(19, 50, 2);
  const qc::CheckResult early = Find(qc::RunQc(v, rules::QcConfig{}, &cohort), "snr");
  CHECK(early.basis == "absolute");
  CHECK(early.cohort_n == 19);
  CHECK_FALSE(early.z.has_value());
  CHECK(early.verdict == qc::Verdict::kPass);
}

TEST_CASE("the absolute guard still fails what the cohort finds usual; geometry counts ignore the cohort") {
  SeriesVolume v = testing::Ch2Series(testing::Plane::kAxial, 0.15);  // SNR about 4
  testing::RemoveSlices(v, 30, 3);
  qc::CohortStats cohort;
  cohort.values["snr"] = History(30, 4, 1);
  cohort.values["missing_slice"] = History(30, 3, 1);
  const qc::SeriesQc q = qc::RunQc(v, rules::QcConfig{}, &cohort);
  CHECK(Find(q, "snr").verdict == qc::Verdict::kFail);
  CHECK(Find(q, "snr").basis == "absolute");
  CHECK(Find(q, "snr").z.has_value());
  CHECK(Find(q, "missing_slice").verdict == qc::Verdict::kFail);
  CHECK(Find(q, "missing_slice").basis == "absolute");
  CHECK_FALSE(Find(q, "missing_slice").z.has_value());
}

TEST_CASE("checks without an absolute threshold are graded by the cohort only") {
  const SeriesVolume v = testing::Ch2Series(testing::Plane::kAxial);
  const qc::SeriesQc alone = qc::RunQc(v, rules::QcConfig{}, nullptr);
  const double efc = *Find(alone, "efc").value;
  CHECK(Find(alone, "efc").verdict == qc::Verdict::kPass);
  CHECK_FALSE(Find(alone, "efc").threshold.has_value());
  qc::CohortStats cohort;
  cohort.values["efc"] = History(20, efc - 0.05, 0.004);  // this series' entropy is much higher than usual
  const qc::CheckResult r = Find(qc::RunQc(v, rules::QcConfig{}, &cohort), "efc");
  CHECK(r.verdict == qc::Verdict::kFail);
  CHECK(r.flag == "efc_outlier");
}
