#pragma once
// The one predicate engine over a DICOM header: the profile's filter
// (filter.reject), the known burned-in regions (the profile's pixels.regions
// and the shipped library) and whatever else selects objects by their
// attributes. A condition tests one top-level attribute; a predicate holds
// when all its conditions do. Values are compared without DICOM padding
// (outer spaces) and ignoring ASCII case, against the whole value (all
// values joined by '\').
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/dicom_tag.h"

namespace rwd::rules {

// The value of an attribute of the header (the whole value, all values
// joined by '\'), nullopt when absent.
using HeaderValue = std::function<std::optional<std::string>(Tag)>;

struct Condition {
  enum class Op { kContains, kNotContains, kEquals, kNotEquals, kStartsWith, kEndsWith, kPresent, kMissing, kEmpty };
  uint16_t group = 0, element = 0;
  Op op = Op::kContains;
  std::vector<std::string> any_of;  // kNot*: none of them

  Tag tag() const { return Tag{group, element}; }
  bool Holds(const HeaderValue& header) const;
};

// Conditions are evaluated in order and stop at the first that fails, so
// `header` is asked only what it must. An empty list holds.
bool AllHold(const std::vector<Condition>& all_of, const HeaderValue& header);

}  // namespace rwd::rules
