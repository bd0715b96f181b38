#pragma once
// Image quality control settings of a profile (the `qc:` section): what a
// failed check does, and the thresholds of every check.
//
// The check names, their flags, units, directions and absolute default
// thresholds are one table (QcCheckDefaults), shared by the loader (which
// refuses unknown check names), `profile explain` and qc/ (which grades with
// it). The definitions of the values are in qc/ (one file per check) and in
// qc/README.md.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rwd::rules {

// What a failing check does to its series.
enum class QcAction {
  kFlag,        // released, flagged in the database, the report and qc.json
  kQuarantine,  // the whole series held back, the failing checks as reason
  kIgnore,      // computed and recorded, never flags, never changes the verdict
};
const char* QcActionName(QcAction action);

// Which way a value gets worse. Higher-worse: value >= warn warns, value >=
// fail fails. Lower-worse: value < warn warns, value < fail fails.
enum class QcDirection { kHigherWorse, kLowerWorse };

struct QcThresholds {
  std::optional<double> warn, fail;  // nullopt: that level is never reached
};

// One check as shipped.
struct QcCheckDefault {
  const char* name;  // profile key, `series_checks.check`, qc.json "name"
  const char* flag;  // the flag a warning or failure raises (fixed vocabulary)
  const char* unit;  // of the value ("slices", "mm", "HU", "ratio", ...)
  QcDirection direction;
  QcThresholds thresholds;
  // Whether cohort-relative robust z-scores apply (continuous image metrics
  // that depend on scanner and protocol; never geometry counts).
  bool cohort;
  // Shipped action when it fails; nullopt: the profile's qc.on_fail.
  std::optional<QcAction> action;
};

// Every check, in the order RunQc reports them.
const std::vector<QcCheckDefault>& QcCheckDefaults();
const QcCheckDefault* FindQcCheck(std::string_view name);

// A profile's override of one check (qc.checks.<name>).
struct QcCheckOverride {
  std::optional<QcAction> action;
  std::optional<double> warn, fail;
  std::string origin;  // "qc.checks.missing_slice (line 12)"
};

struct QcConfig {
  // The profile has a qc: section: the pixel checks run (pixels decoded per
  // series). Without one only the geometry checks run, from the headers.
  bool configured = false;
  QcAction on_fail = QcAction::kFlag;  // flag (default) | quarantine
  // Cohort-relative grading (robust z over the history of the same site +
  // scanner model + protocol group): used once this many values exist.
  int cohort_min_series = 20;
  double cohort_warn_z = 3.0;  // |z| in the bad direction at or above: warn
  double cohort_fail_z = 5.0;  // ... fail
  std::map<std::string, QcCheckOverride, std::less<>> checks;

  // The thresholds in force for `check` (override, else the shipped default).
  // REQUIRES: FindQcCheck(check) != nullptr.
  QcThresholds ThresholdsFor(std::string_view check) const;
  // What a failure of `check` does: its override, else its shipped action,
  // else on_fail. REQUIRES: FindQcCheck(check) != nullptr.
  QcAction ActionFor(std::string_view check) const;
};

}  // namespace rwd::rules
