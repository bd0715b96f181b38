#pragma once
// The QC outcome of one series: every check's result, the series verdict,
// its flags, and whether the profile holds the series back.
#include <string>
#include <vector>

#include "qc/check_result.h"

namespace rwd::qc {

struct SeriesQc {
  // fail if any counted check failed, else warn if any warned, else pass (na
  // when nothing could be checked). Checks whose action is `ignore` do not
  // count.
  Verdict verdict = Verdict::kNa;
  // Flags of the counted checks that warned or failed, in check order, each
  // once (vocabulary: rules::QcCheckDefaults' flags, qc/README.md).
  std::vector<std::string> flags;
  std::vector<CheckResult> checks;  // every check, in rules::QcCheckDefaults order
  // The profile holds the series back: a failed check whose action is
  // quarantine (qc.checks.<name>.action, the shipped action, else
  // qc.on_fail). quarantine_checks names them; the reason to record is
  // QuarantineReason().
  bool quarantine = false;
  std::vector<std::string> quarantine_checks;

  // "QC failed: missing_slice, derived_3d" (check names only).
  std::string QuarantineReason() const;
};

}  // namespace rwd::qc
