#include "anonymizer/pixel/known_regions.h"

#include <algorithm>

#include "core/strings.h"

namespace rwd::anon::pixel {
namespace {

// Compared without DICOM padding, ignoring (ASCII) case.
std::string Normal(std::string_view s) { return AsciiUpper(TrimValue(s)); }

bool Holds(const RegionCondition& c, const HeaderValue& header) {
  using Op = RegionCondition::Op;
  const std::optional<std::string> raw = header(Tag{c.group, c.element});
  switch (c.op) {
    case Op::kPresent:
      return raw.has_value();
    case Op::kMissing:
      return !raw.has_value();
    case Op::kEmpty:
      return raw.has_value() && Normal(*raw).empty();
    default:
      break;
  }
  const std::string value = raw ? Normal(*raw) : std::string();
  bool any = false;
  for (const std::string& want_raw : c.any_of) {
    const std::string want = Normal(want_raw);
    switch (c.op) {
      case Op::kContains:
      case Op::kNotContains:
        any = any || (raw && value.find(want) != std::string::npos);
        break;
      case Op::kEquals:
      case Op::kNotEquals:
        any = any || (raw && value == want);
        break;
      case Op::kStartsWith:
        any = any || (raw && value.rfind(want, 0) == 0);
        break;
      case Op::kEndsWith:
        any = any ||
              (raw && value.size() >= want.size() && value.compare(value.size() - want.size(), want.size(), want) == 0);
        break;
      default:
        break;
    }
  }
  return c.op == Op::kNotContains || c.op == Op::kNotEquals ? !any : any;
}

}  // namespace

const KnownRegions& KnownRegions::Library() {
  using Op = RegionCondition::Op;
  static const KnownRegions library(std::vector<KnownRegionRule>{
#include "anonymizer/pixel/data/known_regions.inc"
  });
  return library;
}

KnownRegions KnownRegions::FromProfile(const std::vector<rules::DeviceRegions>& regions) {
  using Op = RegionCondition::Op;
  std::vector<KnownRegionRule> rules;
  for (const rules::DeviceRegions& d : regions) {
    KnownRegionRule r;
    r.label = "profile pixels.regions";
    r.origin = d.origin;
    r.boxes = d.boxes;
    if (!d.modality.empty()) r.all_of.push_back({0x0008, 0x0060, Op::kEquals, {d.modality}});
    if (d.rows > 0) r.all_of.push_back({0x0028, 0x0010, Op::kEquals, {std::to_string(d.rows)}});
    if (d.columns > 0) r.all_of.push_back({0x0028, 0x0011, Op::kEquals, {std::to_string(d.columns)}});
    if (!d.manufacturer.empty()) r.all_of.push_back({0x0008, 0x0070, Op::kContains, {d.manufacturer}});
    if (!d.model.empty()) r.all_of.push_back({0x0008, 0x1090, Op::kContains, {d.model}});
    rules.push_back(std::move(r));
  }
  return KnownRegions(std::move(rules));
}

std::vector<const KnownRegionRule*> KnownRegions::Match(const HeaderValue& header) const {
  std::vector<const KnownRegionRule*> out;
  for (const KnownRegionRule& r : rules_)
    if (std::all_of(r.all_of.begin(), r.all_of.end(), [&](const RegionCondition& c) { return Holds(c, header); }))
      out.push_back(&r);
  return out;
}

}  // namespace rwd::anon::pixel
