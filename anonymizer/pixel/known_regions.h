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
#include "rules/predicate.h"
#include "rules/profile.h"

namespace rwd::anon::pixel {

// Conditions on the header: the predicate engine of rules/ (one engine for
// the profile's filter and the known regions).
using RegionCondition = rules::Condition;

struct KnownRegionRule {
  std::string label;   // e.g. "US Philips IU22"
  std::string origin;  // where it was defined (library file:line, profile line)
  std::vector<RegionCondition> all_of;
  std::vector<rules::PixelRegion> boxes;  // x, y, width, height in pixels
};

// The value of an attribute of the object's original header (the whole
// value, all values joined by '\'), nullopt when absent.
using HeaderValue = rules::HeaderValue;

class KnownRegions {
 public:
  explicit KnownRegions(std::vector<KnownRegionRule> rules) : rules_(std::move(rules)) {}
  // The converted community libraries, built once. Each rule applies only
  // to the SOP classes it was written for (PS3.4 storage classes): its
  // modality's (from its Modality condition, else its label: "CT ...",
  // "US ...", LightSpeed and dose screens are CT) and secondary captures;
  // on cross-sectional acquisitions (CT, MR, PET, NM) only to derived
  // images (ImageType not ORIGINAL) unless the rule itself names ImageType
  // or BurnedInAnnotation. Never to RT Dose, segmentations or other
  // non-image classes.
  static const KnownRegions& Library();
  // A profile's pixels.regions: manufacturer and model are case-insensitive
  // substrings, modality exact, rows/columns exact when not 0.
  static KnownRegions FromProfile(const std::vector<rules::DeviceRegions>& regions);

  // Every rule whose conditions all hold (rules::AllHold) and whose boxes
  // all lie inside the image (Rows, Columns of `header`, when present): a
  // box beyond the image means the rule was written for another geometry.
  std::vector<const KnownRegionRule*> Match(const HeaderValue& header) const;
  size_t size() const { return rules_.size(); }

 private:
  std::vector<KnownRegionRule> rules_;
};

}  // namespace rwd::anon::pixel
