#include "qc/check_result.h"

namespace rwd::qc {

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kWarn: return "warn";
    case Verdict::kFail: return "fail";
    case Verdict::kNa: return "na";
  }
  return "na";
}

Verdict Worse(Verdict a, Verdict b) {
  auto rank = [](Verdict v) {
    switch (v) {
      case Verdict::kNa: return 0;
      case Verdict::kPass: return 1;
      case Verdict::kWarn: return 2;
      case Verdict::kFail: return 3;
    }
    return 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

CheckResult Grade(std::string_view check, double value, const rules::QcThresholds& t, std::string note) {
  const rules::QcCheckDefault& d = *rules::FindQcCheck(check);
  const bool higher = d.direction == rules::QcDirection::kHigherWorse;
  auto crossed = [&](const std::optional<double>& level) {
    return level && (higher ? value >= *level : value < *level);
  };
  CheckResult r;
  r.name = std::string(check);
  r.value = value;
  r.note = std::move(note);
  if (crossed(t.fail)) {
    r.verdict = Verdict::kFail;
    r.threshold = t.fail;
  } else if (crossed(t.warn)) {
    r.verdict = Verdict::kWarn;
    r.threshold = t.warn;
  } else {
    r.verdict = Verdict::kPass;
    r.threshold = t.warn ? t.warn : t.fail;
  }
  if (r.verdict == Verdict::kWarn || r.verdict == Verdict::kFail) r.flag = d.flag;
  return r;
}

CheckResult NotApplicable(std::string_view check, std::string note) {
  CheckResult r;
  r.name = std::string(check);
  r.verdict = Verdict::kNa;
  r.note = std::move(note);
  return r;
}

}  // namespace rwd::qc
