#include "gateway/report/profile_options.h"

namespace rwd::gateway::report {
namespace {
const char* YesNo(bool b) { return b ? "yes" : "no"; }
}  // namespace

Lines ProfileOptionsInForce(const rules::Profile& p) {
  const rules::ProfileOptions& o = p.options;
  const char* longitudinal = o.retain_longitudinal_temporal == rules::Longitudinal::kOff    ? "off"
                             : o.retain_longitudinal_temporal == rules::Longitudinal::kFull ? "full"
                                                                                            : "modified";
  const char* burned_in = p.pixels.burned_in == rules::BurnedInMode::kQuarantineAtRisk ? "quarantine-at-risk"
                          : p.pixels.burned_in == rules::BurnedInMode::kRedactAllText  ? "redact-all-text"
                                                                                       : "redact-phi";
  return {{"base", p.base},
          {"retain_safe_private", YesNo(o.retain_safe_private)},
          {"retain_uids", YesNo(o.retain_uids)},
          {"retain_device_identity", YesNo(o.retain_device_identity)},
          {"retain_institution_identity", YesNo(o.retain_institution_identity)},
          {"retain_patient_characteristics", YesNo(o.retain_patient_characteristics)},
          {"retain_longitudinal_temporal", longitudinal},
          {"clean_descriptors", YesNo(o.clean_descriptors)},
          {"clean_structured_content", YesNo(o.clean_structured_content)},
          {"clean_graphics", YesNo(o.clean_graphics)},
          {"clean_pixel_data", YesNo(o.clean_pixel_data)},
          {"clean_recognizable_visual_features", YesNo(o.clean_recognizable_visual_features)},
          {"pixels.burned_in", burned_in},
          {"date_shift_days", std::to_string(p.date_shift_min_days) + " .. " + std::to_string(p.date_shift_max_days)},
          {"filter entries (reject)", std::to_string(p.reject.size())}};
}

Lines ProfileOverrides(const rules::Profile& p) {
  Lines out;
  for (const rules::Override& o : p.rules) out.push_back({o.origin, o.selector.ToString() + " -> " + rules::ActionName(o.action.kind)});
  return out;
}

}  // namespace rwd::gateway::report
