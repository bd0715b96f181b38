// RunQc: every shipped check in order, verdict aggregation, what a failure
// does per profile (flag, quarantine, ignore), and the geometry-only pass on
// a volume without voxels.
#include <doctest/doctest.h>

#include "qc/run_qc.h"
#include "rules/profile_loader.h"
#include "tests/qc/qc_series.h"

using namespace rwd;
using namespace rwd::testing;

namespace {
const qc::CheckResult& Find(const qc::SeriesQc& q, const std::string& name) {
  for (const qc::CheckResult& c : q.checks)
    if (c.name == name) return c;
  FAIL("no check " << name);
  return q.checks.front();
}
rules::QcConfig ConfigOf(const std::string& yaml) {
  auto p = rules::ParseProfile("name: x\n" + yaml, "p.yaml");
  REQUIRE_MESSAGE(p.ok(), p.status().message());
  return p->qc;
}
}  // namespace

TEST_CASE("RunQc reports every shipped check, in the table's order") {
  const qc::SeriesQc q = qc::RunQc(CtHeadPhantom(12), rules::QcConfig{}, nullptr);
  REQUIRE(q.checks.size() == rules::QcCheckDefaults().size());
  for (size_t i = 0; i < q.checks.size(); ++i) CHECK(q.checks[i].name == rules::QcCheckDefaults()[i].name);
  // MR checks do not apply to CT.
  CHECK(Find(q, "snr").verdict == qc::Verdict::kNa);
  CHECK(Find(q, "snr").note == "not MR");
  CHECK_FALSE(Find(q, "snr").value.has_value());
}

TEST_CASE("geometry checks work without voxels; pixel checks are then n.a.") {
  SeriesVolume v = CtHeadPhantom();
  RemoveSlices(v, 20, 3);
  const qc::SeriesQc full = qc::RunQc(v, rules::QcConfig{}, nullptr);
  const qc::SeriesQc headers = qc::RunGeometryQc(v, rules::QcConfig{});
  SeriesVolume empty = v;
  empty.voxels.clear();
  const qc::SeriesQc empty_qc = qc::RunQc(empty, rules::QcConfig{}, nullptr);
  for (const char* name : {"missing_slice", "duplicate_slice", "slice_spacing", "gantry_tilt", "derived_3d"}) {
    CHECK(Find(headers, name).verdict == Find(full, name).verdict);
    CHECK(Find(headers, name).value == Find(full, name).value);
    CHECK(Find(empty_qc, name).value == Find(full, name).value);
  }
  CHECK(Find(headers, "missing_slice").verdict == qc::Verdict::kFail);
  CHECK(Find(headers, "missing_slice").value == 3);
  CHECK(Find(headers, "hu_air").verdict == qc::Verdict::kNa);
  CHECK(Find(headers, "hu_air").note == "no voxels");
  CHECK(headers.flags == std::vector<std::string>{"missing_slice"});
}

TEST_CASE("what a failure does: flag by default, quarantine per profile or per check, ignore") {
  SeriesVolume v = CtHeadPhantom();
  RemoveSlices(v, 20, 3);
  OffsetHu(v, 45);  // hu_air and hu_fat warn
  const qc::SeriesQc flagged = qc::RunQc(v, rules::QcConfig{}, nullptr);
  CHECK(flagged.verdict == qc::Verdict::kFail);
  CHECK(flagged.flags == std::vector<std::string>{"missing_slice", "hu_miscalibrated"});
  CHECK_FALSE(flagged.quarantine);

  const qc::SeriesQc all = qc::RunQc(v, ConfigOf("qc: {on_fail: quarantine}\n"), nullptr);
  CHECK(all.quarantine);
  CHECK(all.quarantine_checks == std::vector<std::string>{"missing_slice"});  // warnings never quarantine
  CHECK(all.QuarantineReason() == "QC failed: missing_slice");

  const qc::SeriesQc one = qc::RunQc(v, ConfigOf("qc:\n  checks:\n    missing_slice: {action: quarantine}\n"), nullptr);
  CHECK(one.quarantine);

  const qc::SeriesQc ignored =
      qc::RunQc(v, ConfigOf("qc:\n  on_fail: quarantine\n  checks:\n    missing_slice: {action: ignore}\n"), nullptr);
  CHECK_FALSE(ignored.quarantine);
  CHECK(ignored.verdict == qc::Verdict::kWarn);  // what is left: the HU warning
  CHECK(ignored.flags == std::vector<std::string>{"hu_miscalibrated"});
  CHECK(Find(ignored, "missing_slice").verdict == qc::Verdict::kFail);  // still computed and reported
  CHECK(Find(ignored, "missing_slice").flag.empty());

  // Thresholds from the profile.
  const qc::SeriesQc loose = qc::RunQc(v, ConfigOf("qc:\n  checks:\n    missing_slice: {warn: 5, fail: 10}\n"), nullptr);
  CHECK(Find(loose, "missing_slice").verdict == qc::Verdict::kPass);
  CHECK(Find(loose, "missing_slice").threshold == 5);
}

TEST_CASE("a check's result says its value, the threshold crossed and its flag") {
  SeriesVolume v = CtHeadPhantom();
  RemoveSlices(v, 20, 1);
  const qc::CheckResult r = Find(qc::RunQc(v, rules::QcConfig{}, nullptr), "missing_slice");
  CHECK(r.verdict == qc::Verdict::kWarn);
  CHECK(r.value == 1);
  CHECK(r.threshold == 1);
  CHECK(r.flag == "missing_slice");
  CHECK(r.basis == "absolute");
}

TEST_CASE("grading: higher-worse at >= warn/fail, lower-worse below warn/fail") {
  const rules::QcThresholds t{1.0, 2.0};
  CHECK(qc::Grade("missing_slice", 0.99, t).verdict == qc::Verdict::kPass);
  CHECK(qc::Grade("missing_slice", 1.0, t).verdict == qc::Verdict::kWarn);
  CHECK(qc::Grade("missing_slice", 2.0, t).verdict == qc::Verdict::kFail);
  CHECK(qc::Grade("missing_slice", 2.0, t).threshold == 2.0);
  CHECK(qc::Grade("missing_slice", 0.0, t).threshold == 1.0);
  const rules::QcThresholds low{15.0, 7.0};
  CHECK(qc::Grade("snr", 15.0, low).verdict == qc::Verdict::kPass);
  CHECK(qc::Grade("snr", 14.9, low).verdict == qc::Verdict::kWarn);
  CHECK(qc::Grade("snr", 6.9, low).verdict == qc::Verdict::kFail);
  CHECK(qc::Grade("snr", 6.9, low).flag == "low_snr");
  CHECK(qc::Grade("snr", 20, low).flag.empty());
  // No thresholds: always pass, no threshold reported.
  CHECK(qc::Grade("efc", 99, {}).verdict == qc::Verdict::kPass);
  CHECK_FALSE(qc::Grade("efc", 99, {}).threshold.has_value());
}

TEST_CASE("results name checks and methods, never a header value") {
  SeriesVolume v = Ch2Series(Plane::kAxial);
  v.facts.series_description = "DOE^JOHN 1961-02-03";
  v.facts.protocol_name = "MRN 12345678";
  v.facts.manufacturer = "ACME HOSPITAL";
  for (auto& g : v.slices) g.frame_of_reference_uid = "1.2.826.0.1.3680043.99.12345";
  RemoveSlices(v, 20, 3);
  const qc::SeriesQc q = qc::RunQc(v, rules::QcConfig{}, nullptr);
  std::string text = q.QuarantineReason();
  for (const auto& f : q.flags) text += " " + f;
  for (const qc::CheckResult& c : q.checks) text += " " + c.name + " " + c.flag + " " + c.basis + " " + c.note;
  for (const char* secret : {"DOE", "1961", "12345", "ACME", "1.2.826"}) CHECK_MESSAGE(text.find(secret) == std::string::npos, secret);
}
