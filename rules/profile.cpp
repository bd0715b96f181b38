#include "rules/profile.h"

#include <cstdio>

namespace rwd::rules {

bool ProfileOptions::Active(E11Option option) const {
  switch (option) {
    case E11Option::kRetainSafePrivate: return retain_safe_private;
    case E11Option::kRetainUids: return retain_uids;
    case E11Option::kRetainDeviceIdentity: return retain_device_identity;
    case E11Option::kRetainInstitutionIdentity: return retain_institution_identity;
    case E11Option::kRetainPatientCharacteristics: return retain_patient_characteristics;
    case E11Option::kRetainLongitudinalFullDates:
      return retain_longitudinal_temporal == Longitudinal::kFull;
    case E11Option::kRetainLongitudinalModifiedDates:
      return retain_longitudinal_temporal == Longitudinal::kModified;
    case E11Option::kCleanDescriptors: return clean_descriptors;
    case E11Option::kCleanStructuredContent: return clean_structured_content;
    case E11Option::kCleanGraphics: return clean_graphics;
  }
  return false;
}

bool Selector::Matches(Tag t, std::string_view private_creator) const {
  switch (kind) {
    case Kind::kTag: return t == tag;
    case Kind::kMask:
      return (t.group & group_mask) == tag.group && (t.element & element_mask) == tag.element;
    case Kind::kPrivate:
      return t.IsPrivate() && t.element > 0xFF && (t.element & 0xFF) == element_offset &&
             (!private_group || *private_group == t.group) && private_creator == creator;
  }
  return false;
}

std::string Selector::ToString() const {
  char buf[64];
  switch (kind) {
    case Kind::kTag: return tag.ToString();
    case Kind::kMask: {
      std::string s = tag.ToString();
      for (int i = 0; i < 4; ++i) {
        if (((group_mask >> (12 - 4 * i)) & 0xF) == 0) s[1 + i] = 'x';
        if (((element_mask >> (12 - 4 * i)) & 0xF) == 0) s[6 + i] = 'x';
      }
      return s;
    }
    case Kind::kPrivate:
      if (private_group) std::snprintf(buf, sizeof buf, "(%04X,xx%02X)", *private_group, element_offset);
      else std::snprintf(buf, sizeof buf, "(odd,xx%02X)", element_offset);
      return std::string(buf) + " \"" + creator + "\"";
  }
  return "";
}

const FilterEntry* RejectingEntry(const Profile& profile, const HeaderValue& header) {
  for (const FilterEntry& entry : profile.reject)
    if (!entry.all_of.empty() && AllHold(entry.all_of, header)) return &entry;
  return nullptr;
}

}  // namespace rwd::rules
