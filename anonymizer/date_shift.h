#pragma once
// Moving DA and DT values by whole days (PS3.15 E.3.6 "modified dates").
// Times of day stay as they are, so intervals within a patient are kept.
#include <optional>
#include <string>
#include <string_view>

namespace rwd::anon {

// Shifts each backslash-separated value of a DA or DT element; values that
// are not dates (or empty) are replaced by "" rather than kept. Results are
// clamped to the DICOM range 0001-01-01 .. 9999-12-31.
std::string ShiftDateValue(std::string_view value, std::string_view vr, int days);

// "YYYYMMDD" -> days since 1970-01-01, nullopt when not a valid date.
std::optional<long> DaysFromDa(std::string_view da);
std::string DaFromDays(long days);

}  // namespace rwd::anon
