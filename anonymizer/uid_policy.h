#pragma once
// What becomes of a UID value wherever it appears in a header (UI elements
// of the dataset and of every nested item), one rule for every element so
// that no UID is mapped two ways:
//  - UIDs the standard defines (rules::IsWellKnownUid: 1.2.840.10008.* and
//    PS3.16 Table 8-1) and registered private SOP classes
//    (data/private_sop_classes.inc) are kept;
//  - a UID that is not valid (PS3.5 9.1: at most 64 characters, components
//    of digits without leading zeros, separated by single dots) is remapped
//    even under the Retain UIDs option (PS3.15 E.3.1 retains UIDs, it does
//    not vouch for garbage: `..`, `/etc`, shell metacharacters);
//  - any other UID is remapped (keyed, KeyedIds::MapUid), unless the
//    profile retains UIDs (PS3.15 Table E.1-1 option "Rtn. UIDs").
#include <string>
#include <string_view>

#include "anonymizer/keyed_ids.h"

namespace rwd::anon {

// PS3.5 9.1 syntax (the value without DICOM padding).
bool IsValidUid(std::string_view uid);
// A registered private SOP Class (exact match).
bool IsKnownPrivateSopClass(std::string_view uid);

enum class UidFate { kKeep, kRemap, kRemapInvalid };
UidFate DecideUid(std::string_view uid, bool retain_uids);

// Applies DecideUid to each value of a multi-valued UI string ('\'
// separated). `invalid` counts the values remapped because they were invalid.
std::string MapUidValues(std::string_view value, bool retain_uids, const KeyedIds& ids, int* invalid);

}  // namespace rwd::anon
