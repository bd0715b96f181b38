#include "rules/qc_config.h"

namespace rwd::rules {

const char* QcActionName(QcAction action) {
  switch (action) {
    case QcAction::kFlag: return "flag";
    case QcAction::kQuarantine: return "quarantine";
    case QcAction::kIgnore: return "ignore";
  }
  return "flag";
}

// The absolute defaults, chosen from the planted-defect tests (values
// measured there are in qc/README.md) and from the sources each check cites.
const std::vector<QcCheckDefault>& QcCheckDefaults() {
  using D = QcDirection;
  constexpr auto kHi = D::kHigherWorse;
  constexpr auto kLo = D::kLowerWorse;
  constexpr std::optional<double> kNone;
  static const std::vector<QcCheckDefault> kChecks = {
      // Geometry and coverage (headers only; work without voxels).
      {"homogeneity", "inhomogeneous_series", "attributes", kHi, {1, 1}, false, {}},
      {"orientation", "bad_orientation", "deviation", kHi, {1e-3, 1e-2}, false, {}},
      {"duplicate_slice", "duplicate_slice", "slices", kHi, {1, 1}, false, {}},
      {"slice_spacing", "inconsistent_spacing", "ratio", kHi, {0.01, 0.10}, false, {}},
      {"missing_slice", "missing_slice", "slices", kHi, {1, 2}, false, {}},
      {"gantry_tilt", "gantry_tilt", "degrees", kHi, {0.5, 5.0}, false, {}},
      {"slice_gap", "slice_gap", "ratio", kHi, {1.5, kNone}, false, {}},
      {"slice_count", "too_few_slices", "slices", kLo, {10, kNone}, false, {}},
      {"derived_3d", "derived_3d", "slices", kHi, {1, 1}, false, QcAction::kQuarantine},
      // Coverage (pixels).
      {"fov_truncation", "truncated_fov", "fraction", kHi, {0.05, 0.15}, false, {}},
      {"z_coverage", "z_cut", "fraction", kHi, {0.05, 0.20}, false, {}},
      {"motion", "motion", "mm", kHi, {3.0, 6.0}, false, {}},
      // CT.
      {"hu_air", "hu_miscalibrated", "HU", kHi, {30, 60}, false, {}},
      {"hu_fat", "hu_miscalibrated", "HU", kHi, {30, kNone}, false, {}},
      {"ct_noise", "high_noise", "HU", kHi, {35, 60}, true, {}},
      {"metal", "metal_streak", "HU", kHi, {15, 60}, false, {}},
      {"ring", "ring_artefact", "HU", kHi, {12, 30}, false, {}},
      {"padding", "padding_in_fov", "fraction", kHi, {0.005, 0.05}, false, {}},
      // MR.
      {"snr", "low_snr", "ratio", kLo, {15, 7}, true, {}},
      {"ghosting", "motion_ghosting", "ratio", kHi, {0.015, 0.05}, true, {}},
      {"inu", "intensity_nonuniformity", "ratio", kHi, {1.3, 1.65}, true, {}},
      {"efc", "efc_outlier", "ratio", kHi, {kNone, kNone}, true, {}},
      {"fber", "fber_outlier", "ratio", kLo, {kNone, kNone}, true, {}},
      {"cjv", "cjv_outlier", "ratio", kHi, {kNone, kNone}, true, {}},
  };
  return kChecks;
}

const QcCheckDefault* FindQcCheck(std::string_view name) {
  for (const QcCheckDefault& d : QcCheckDefaults())
    if (name == d.name) return &d;
  return nullptr;
}

QcThresholds QcConfig::ThresholdsFor(std::string_view check) const {
  QcThresholds t = FindQcCheck(check)->thresholds;
  if (auto it = checks.find(check); it != checks.end()) {
    if (it->second.warn) t.warn = it->second.warn;
    if (it->second.fail) t.fail = it->second.fail;
  }
  return t;
}

QcAction QcConfig::ActionFor(std::string_view check) const {
  if (auto it = checks.find(check); it != checks.end() && it->second.action) return *it->second.action;
  if (const auto& a = FindQcCheck(check)->action) return *a;
  return on_fail;
}

}  // namespace rwd::rules
