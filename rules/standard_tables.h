#pragma once
// The DICOM standard's de-identification data, generated from
// ../shared/dicom-standard/ by rules/tools/gen_tables.py (never typed).
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/dicom_tag.h"

namespace rwd::rules {

inline constexpr const char* kE11Edition = "2024b";
inline constexpr const char* kSafePrivateEdition = "2026d";

// PS3.15 Table E.1-1 option columns, in the table's order.
enum class E11Option {
  kRetainSafePrivate,
  kRetainUids,
  kRetainDeviceIdentity,
  kRetainInstitutionIdentity,
  kRetainPatientCharacteristics,
  kRetainLongitudinalFullDates,
  kRetainLongitudinalModifiedDates,
  kCleanDescriptors,
  kCleanStructuredContent,
  kCleanGraphics,
};
inline constexpr int kE11OptionCount = 10;
const char* E11OptionName(E11Option option);  // profile key, e.g. "retain_uids"
// CID 7050 code of an option ("113111" for Retain Safe Private ...).
const char* E11OptionCode(E11Option option);

enum class E11Kind { kExact, kMask, kPrivate };

struct E11Row {
  uint16_t group, element;        // value bits
  uint16_t group_mask, element_mask;  // 0xFF00 for "60XX"; kPrivate: odd groups
  E11Kind kind;
  const char* name;
  bool in_std_comp_iod;
  const char* basic;              // "X", "X/Z", "X/Z/U*", ...
  std::array<const char*, kE11OptionCount> options;  // "", "K" or "C"

  bool Matches(Tag t) const {
    if (kind == E11Kind::kPrivate) return t.IsPrivate();
    return (t.group & group_mask) == group && (t.element & element_mask) == element;
  }
  Tag tag() const { return Tag{group, element}; }
};

std::span<const E11Row> E11Rows();
// The row for a tag (exact rows first, then masks such as (60XX,3000));
// nullptr when the table does not list it. Private tags are not looked up.
const E11Row* FindE11Row(Tag tag);
// The pseudo-row "(GGGG,EEEE) WHERE GGGG IS ODD".
const E11Row& E11PrivateRow();
// Tag pattern as written in the standard, e.g. "(60XX,3000)".
std::string E11Pattern(const E11Row& row);

// PS3.15 Table E.3.10-1: is (creator, group, low byte) a safe private attribute?
bool IsSafePrivate(std::string_view creator, uint16_t group, uint8_t element_offset);
size_t SafePrivateCount();

// UIDs the standard defines (never remapped): anything under 1.2.840.10008.
// and the external coding-scheme UIDs of PS3.16 Table 8-1.
bool IsWellKnownUid(std::string_view uid);

// PS3.6 Table A-1's storage SOP classes (PS3.4 Annex B), retired and trial
// ones included; not Storage Commitment, not DICOMDIR.
struct StorageSopClass {
  const char* uid;
  const char* name;
};
std::span<const StorageSopClass> StandardStorageSopClasses();

struct CodeItem {
  const char* value;
  const char* scheme;
  const char* meaning;
};
// PS3.16 CID 7050 De-identification Method; nullptr when unknown.
const CodeItem* Cid7050(std::string_view code_value);

}  // namespace rwd::rules
