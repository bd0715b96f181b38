// Robust z against a cohort history.
#include <doctest/doctest.h>

#include "qc/cohort_stats.h"

using namespace rwd;

TEST_CASE("RobustZ needs enough values") {
  std::vector<double> h(19, 10.0);
  CHECK_FALSE(qc::RobustZ(12, h, 20).has_value());
}
