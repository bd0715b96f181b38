// Every clean series passes with no flag; each planted defect, at an obvious
// and at a borderline strength, is flagged by its check and only by it.
// Series: ch2 (real T1 head) resliced in three planes, a real CT slice
// (pydicom's CT_small) stacked, and CT head and chest phantoms. The values
// printed ("QC <case> <check> <value> <verdict>") are the table in
// qc/README.md.
#include <doctest/doctest.h>

#include <cstdio>
#include <functional>
#include <set>
#include <string>

#include "qc/run_qc.h"
#include "tests/qc/qc_series.h"

using namespace rwd;
using namespace rwd::testing;

namespace {

std::set<std::string> Flags(const qc::SeriesQc& q) { return {q.flags.begin(), q.flags.end()}; }

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ",") + x;
  return out.empty() ? "(none)" : out;
}

qc::SeriesQc Run(const std::string& name, const SeriesVolume& v) {
  const qc::SeriesQc q = qc::RunQc(v, rules::QcConfig{}, nullptr);
  for (const qc::CheckResult& c : q.checks)
    if (c.value)
      std::printf("QC %-28s %-16s %10.4f %s\n", name.c_str(), c.name.c_str(), *c.value, qc::VerdictName(c.verdict));
  return q;
}

void Expect(const std::string& name, const SeriesVolume& v, const std::set<std::string>& flags) {
  const qc::SeriesQc q = Run(name, v);
  INFO(name);
  CHECK(Join(Flags(q)) == Join(flags));
  CHECK(q.verdict == (flags.empty() ? qc::Verdict::kPass : q.verdict));
  if (flags.empty()) CHECK(q.verdict == qc::Verdict::kPass);
  else CHECK((q.verdict == qc::Verdict::kWarn || q.verdict == qc::Verdict::kFail));
}

// The verdict a check gave.
qc::Verdict VerdictOf(const qc::SeriesQc& q, const std::string& check) {
  for (const qc::CheckResult& c : q.checks)
    if (c.name == check) return c.verdict;
  return qc::Verdict::kNa;
}

}  // namespace

TEST_CASE("clean series pass with no flag") {
  Expect("mr-axial", Ch2Series(Plane::kAxial), {});
  Expect("mr-sagittal", Ch2Series(Plane::kSagittal), {});
  Expect("mr-coronal", Ch2Series(Plane::kCoronal), {});
  Expect("ct-head", CtHeadPhantom(), {});
  Expect("ct-chest", CtBodyPhantom(), {});
}
