#pragma once
// Known burned-in text regions by device: the DPO's own (profile
// pixels.regions) and a library converted from RSNA CTP's and pydicom/deid's
// community lists (data/known_regions.inc, tools/convert_regions.py). A
// match is a triage signal and a fast path (its boxes are always redacted);
// it never replaces looking for text in the pixels.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/dicom_tag.h"
#include "rules/profile.h"

namespace rwd::anon::pixel {

struct RegionCondition {
  enum class Op { kContains, kNotContains, kEquals, kNotEquals, kStartsWith, kEndsWith, kPresent, kMissing, kEmpty };
  uint16_t group = 0, element = 0;
  Op op = Op::kContains;
  std::vector<std::string> any_of;  // compared ignoring case and outer spaces
};

struct KnownRegionRule {
  std::string label;   // e.g. "US Philips IU22"
  std::string origin;  // where it was defined (library file:line, profile line)
  std::vector<RegionCondition> all_of;
  std::vector<rules::PixelRegion> boxes;  // x, y, width, height in pixels
};

// The value of an attribute of the object's original header (the whole
// value, all values joined by '\'), nullopt when absent.
using HeaderValue = std::function<std::optional<std::string>(Tag)>;

class KnownRegions {
 public:
  explicit KnownRegions(std::vector<KnownRegionRule> rules) : rules_(std::move(rules)) {}
  // The converted community libraries, built once.
  static const KnownRegions& Library();
  // A profile's pixels.regions: manufacturer and model are case-insensitive
  // substrings, modality exact, rows/columns exact when not 0.
  static KnownRegions FromProfile(const std::vector<rules::DeviceRegions>& regions);

  // Every rule whose conditions all hold. Conditions are evaluated in order
  // and stop at the first that fails, so `header` is asked only what it must.
  std::vector<const KnownRegionRule*> Match(const HeaderValue& header) const;
  size_t size() const { return rules_.size(); }

 private:
  std::vector<KnownRegionRule> rules_;
};

}  // namespace rwd::anon::pixel
