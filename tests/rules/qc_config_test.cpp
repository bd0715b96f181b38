// The qc: section of a profile loads strictly (unknown keys and check names
// are file:line:column errors), keeps the shipped defaults where it says
// nothing, and `profile explain` says what is in force.
#include <doctest/doctest.h>

#include "rules/profile_explainer.h"
#include "rules/profile_loader.h"

using namespace rwd;
using namespace rwd::rules;

namespace {
std::string ErrorOf(const std::string& yaml) {
  auto p = ParseProfile(yaml, "p.yaml");
  REQUIRE_FALSE(p.ok());
  return p.status().message();
}
bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("without a qc: section the shipped defaults are in force") {
  auto p = ParseProfile("name: x\n", "p.yaml");
  REQUIRE(p.ok());
  CHECK(p->qc.on_fail == QcAction::kFlag);
  CHECK(p->qc.ActionFor("missing_slice") == QcAction::kFlag);
  CHECK(p->qc.ActionFor("derived_3d") == QcAction::kQuarantine);  // a rendered head shows the face
  const QcThresholds t = p->qc.ThresholdsFor("missing_slice");
  REQUIRE(t.warn);
  REQUIRE(t.fail);
  CHECK(*t.warn == 1);
  CHECK(*t.fail == 2);
  // The issue's fixed vocabulary is covered by the shipped checks.
  for (const char* flag : {"missing_slice", "duplicate_slice", "inconsistent_spacing", "truncated_fov", "low_snr",
                           "motion_ghosting", "metal_streak", "hu_miscalibrated", "gantry_tilt", "derived_3d",
                           "ring_artefact", "padding_in_fov", "intensity_nonuniformity"}) {
    bool found = false;
    for (const QcCheckDefault& d : QcCheckDefaults()) found = found || std::string(d.flag) == flag;
    CHECK_MESSAGE(found, flag);
  }
}

TEST_CASE("qc: overrides on_fail, actions and thresholds per check") {
  auto p = ParseProfile(R"Y(name: x
qc:
  on_fail: quarantine
  cohort: {min_series: 30, warn_z: 2.5, fail_z: 4}
  checks:
    snr: {warn: 20, fail: 10}
    slice_gap: {action: ignore}
    derived_3d: {action: flag}
)Y", "p.yaml");
  REQUIRE_MESSAGE(p.ok(), p.status().message());
  CHECK(p->qc.on_fail == QcAction::kQuarantine);
  CHECK(p->qc.ActionFor("missing_slice") == QcAction::kQuarantine);
  CHECK(p->qc.ActionFor("slice_gap") == QcAction::kIgnore);
  CHECK(p->qc.ActionFor("derived_3d") == QcAction::kFlag);
  CHECK(*p->qc.ThresholdsFor("snr").warn == 20);
  CHECK(*p->qc.ThresholdsFor("snr").fail == 10);
  CHECK(p->qc.cohort_min_series == 30);
  CHECK(p->qc.cohort_warn_z == 2.5);
  CHECK(p->qc.cohort_fail_z == 4);
  bool said = false;
  for (const std::string& line : ExplainPolicy(*p))
    said = said || (Contains(line, "QC check snr (flag low_snr): warn at < 20 ratio, fail at < 10 ratio") &&
                    Contains(line, "qc.checks.snr (line 6)"));
  CHECK(said);
}

TEST_CASE("qc: mistakes are file:line:column errors") {
  CHECK(Contains(ErrorOf("name: x\nqc:\n  on_fial: flag\n"), "p.yaml:3:3: unknown key 'on_fial' in qc"));
  CHECK(Contains(ErrorOf("name: x\nqc:\n  on_fail: drop\n"), "p.yaml:3:12: qc.on_fail must be flag or quarantine"));
  CHECK(Contains(ErrorOf("name: x\nqc:\n  checks:\n    missing_slices: {action: flag}\n"),
                 "p.yaml:4:5: unknown check 'missing_slices' in qc.checks"));
  CHECK(Contains(ErrorOf("name: x\nqc:\n  checks:\n    snr: {warn: 5, fail: 10}\n"), "warn must be at least fail"));
  CHECK(Contains(ErrorOf("name: x\nqc:\n  checks:\n    metal: {warn: 100}\n"), "warn must be at most fail"));
  CHECK(Contains(ErrorOf("name: x\nqc:\n  checks:\n    metal: {fail: lots}\n"), "p.yaml:4:19: qc.checks.metal.fail must be a number"));
  CHECK(Contains(ErrorOf("name: x\nqc:\n  checks:\n    metal: {actoin: flag}\n"), "unknown key 'actoin'"));
  CHECK(Contains(ErrorOf("name: x\nqc:\n  cohort: {min_series: 2}\n"), "at least 5"));
}

TEST_CASE("research.yaml holds back series with missing slices") {
  auto p = LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/research.yaml");
  REQUIRE_MESSAGE(p.ok(), p.status().message());
  CHECK(p->qc.on_fail == QcAction::kFlag);
  CHECK(p->qc.ActionFor("missing_slice") == QcAction::kQuarantine);
  CHECK(p->qc.ActionFor("ct_noise") == QcAction::kFlag);
}
