#pragma once
// The outcome of one QC check on one series: its value, the threshold that
// decided, and a verdict. What goes to `series_checks` and qc.json.
#include <optional>
#include <string>
#include <string_view>

#include "rules/qc_config.h"

namespace rwd::qc {

enum class Verdict { kPass, kWarn, kFail, kNa };
const char* VerdictName(Verdict verdict);  // "pass", "warn", "fail", "na"
// The worse of two verdicts (na < pass < warn < fail).
Verdict Worse(Verdict a, Verdict b);

struct CheckResult {
  std::string name;                 // check name (rules::QcCheckDefaults)
  std::optional<double> value;      // in the check's unit; nullopt when na
  std::optional<double> threshold;  // the level crossed, else the warn (or fail) level in force
  Verdict verdict = Verdict::kNa;
  std::string flag;                 // the check's flag when the verdict is warn or fail, else ""
  std::string basis = "absolute";   // "absolute" or "cohort" (robust z decided or could decide)
  std::optional<double> z;          // robust z against the cohort, when it was used
  int cohort_n = 0;                 // values in the cohort history given
  // Method or why n.a., e.g. "no ImagePositionPatient"; names tags and
  // methods only, never an attribute value.
  std::string note;
};

// Grades `value` against the absolute thresholds of `check`.
// REQUIRES: rules::FindQcCheck(check) != nullptr.
CheckResult Grade(std::string_view check, double value, const rules::QcThresholds& thresholds,
                  std::string note = "");
// A check that does not apply to this series (modality, no voxels, no geometry).
CheckResult NotApplicable(std::string_view check, std::string note);

}  // namespace rwd::qc
