// RunQc: check order and names, verdict aggregation, actions, geometry-only.
#include <doctest/doctest.h>

#include "qc/run_qc.h"
#include "tests/qc/qc_series.h"

using namespace rwd;

TEST_CASE("RunQc reports every shipped check, in the table's order") {
  const qc::SeriesQc q = qc::RunGeometryQc(testing::CtHeadPhantom(12), rules::QcConfig{});
  REQUIRE(q.checks.size() == rules::QcCheckDefaults().size());
  for (size_t i = 0; i < q.checks.size(); ++i) CHECK(q.checks[i].name == rules::QcCheckDefaults()[i].name);
}
