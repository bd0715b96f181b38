#include "anonymizer/pixel/known_regions.h"

#include <algorithm>
#include <charconv>

#include "core/strings.h"

namespace rwd::anon::pixel {
namespace {

using Op = RegionCondition::Op;
constexpr uint16_t kSopClassGroup = 0x0008, kSopClassElement = 0x0016;

// PS3.4 Annex B storage SOP classes, by the kind of image a rule is about.
const std::vector<std::string> kSecondaryCapture = {
    "1.2.840.10008.5.1.4.1.1.7",   "1.2.840.10008.5.1.4.1.1.7.1", "1.2.840.10008.5.1.4.1.1.7.2",
    "1.2.840.10008.5.1.4.1.1.7.3", "1.2.840.10008.5.1.4.1.1.7.4"};
const std::vector<std::string> kCt = {"1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2.1",
                                      "1.2.840.10008.5.1.4.1.1.2.2"};
const std::vector<std::string> kMr = {"1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.5.1.4.1.1.4.1",
                                      "1.2.840.10008.5.1.4.1.1.4.4"};
const std::vector<std::string> kPetNm = {"1.2.840.10008.5.1.4.1.1.128", "1.2.840.10008.5.1.4.1.1.130",
                                         "1.2.840.10008.5.1.4.1.1.20"};
const std::vector<std::string> kUs = {"1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.6.2",
                                      "1.2.840.10008.5.1.4.1.1.3.1"};
const std::vector<std::string> kProjection = {
    "1.2.840.10008.5.1.4.1.1.1",     "1.2.840.10008.5.1.4.1.1.1.1",  "1.2.840.10008.5.1.4.1.1.1.1.1",
    "1.2.840.10008.5.1.4.1.1.1.2",   "1.2.840.10008.5.1.4.1.1.1.2.1", "1.2.840.10008.5.1.4.1.1.1.3",
    "1.2.840.10008.5.1.4.1.1.1.3.1", "1.2.840.10008.5.1.4.1.1.12.1", "1.2.840.10008.5.1.4.1.1.12.2"};

bool Names(const KnownRegionRule& r, uint16_t group, uint16_t element) {
  return std::any_of(r.all_of.begin(), r.all_of.end(),
                     [&](const RegionCondition& c) { return c.group == group && c.element == element; });
}

// The modalities a library rule is about: its Modality conditions, else its
// label's first word (CTP labels start with the modality), else what the
// label names (LightSpeed is a GE CT; dose reports are CT screens); empty
// when nothing says (then any image class).
std::vector<std::string> RuleModalities(const KnownRegionRule& r) {
  std::vector<std::string> out;
  for (const RegionCondition& c : r.all_of)
    if (c.group == 0x0008 && c.element == 0x0060 && (c.op == Op::kEquals || c.op == Op::kContains))
      for (const std::string& v : c.any_of) out.push_back(AsciiUpper(TrimValue(v)));
  if (!out.empty()) return out;
  const std::string label = AsciiUpper(r.label);
  const std::string first = label.substr(0, label.find(' '));
  if (first == "CT" || first == "US" || first == "MR") return {first};
  if (first == "PET/CT") return {"PT", "CT"};
  if (first == "CR") return {"CR", "DX"};
  if (label.find("LIGHTSPEED") != std::string::npos || label.find("DOSE") != std::string::npos) return {"CT"};
  return {};
}

// The rule's variants, one per kind of SOP class it may apply to
// (disjunctive normal form: each variant is a conjunction).
void AddWithImplicitClasses(const KnownRegionRule& rule, std::vector<KnownRegionRule>* out) {
  const std::vector<std::string> mods = RuleModalities(rule);
  auto about = [&](std::initializer_list<const char*> m) {
    if (mods.empty()) return true;
    for (const char* x : m)
      if (std::find(mods.begin(), mods.end(), x) != mods.end()) return true;
    return false;
  };
  std::vector<std::string> derived_only, any_image = kSecondaryCapture;
  if (about({"CT"})) derived_only.insert(derived_only.end(), kCt.begin(), kCt.end());
  if (about({"MR"})) derived_only.insert(derived_only.end(), kMr.begin(), kMr.end());
  if (about({"PT", "NM"})) derived_only.insert(derived_only.end(), kPetNm.begin(), kPetNm.end());
  if (about({"US"})) any_image.insert(any_image.end(), kUs.begin(), kUs.end());
  if (about({"CR", "DX", "MG", "XA", "RF", "IO"})) any_image.insert(any_image.end(), kProjection.begin(), kProjection.end());
  // Screens and captures, whatever the image type.
  KnownRegionRule a = rule;
  a.all_of.insert(a.all_of.begin(), {kSopClassGroup, kSopClassElement, Op::kEquals, any_image});
  out->push_back(std::move(a));
  if (derived_only.empty()) return;
  // Cross-sectional classes: a vendor's text box is on derived screens (dose
  // reports, saved screens), not on an acquired slice.
  KnownRegionRule b = rule;
  b.all_of.insert(b.all_of.begin(), {kSopClassGroup, kSopClassElement, Op::kEquals, derived_only});
  if (!Names(rule, 0x0008, 0x0008) && !Names(rule, 0x0028, 0x0301))
    b.all_of.push_back({0x0008, 0x0008, Op::kNotContains, {"ORIGINAL"}});
  out->push_back(std::move(b));
}

std::optional<int> Number(const HeaderValue& header, Tag tag) {
  const std::optional<std::string> v = header(tag);
  if (!v) return std::nullopt;
  const std::string_view t = TrimValue(*v);
  int n = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
  return n;
}

// Every box inside the image, when the header says how large it is.
bool FitsImage(const KnownRegionRule& r, const HeaderValue& header) {
  const std::optional<int> rows = Number(header, {0x0028, 0x0010}), columns = Number(header, {0x0028, 0x0011});
  if (!rows || !columns) return true;
  return std::all_of(r.boxes.begin(), r.boxes.end(), [&](const rules::PixelRegion& b) {
    return b.x + b.width <= *columns && b.y + b.height <= *rows;
  });
}

}  // namespace

const KnownRegions& KnownRegions::Library() {
  static const KnownRegions library([] {
    const std::vector<KnownRegionRule> converted{
#include "anonymizer/pixel/data/known_regions.inc"
    };
    std::vector<KnownRegionRule> rules;
    for (const KnownRegionRule& r : converted) AddWithImplicitClasses(r, &rules);
    return rules;
  }());
  return library;
}

KnownRegions KnownRegions::FromProfile(const std::vector<rules::DeviceRegions>& regions) {
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
    if (rules::AllHold(r.all_of, header) && FitsImage(r, header)) out.push_back(&r);
  return out;
}

}  // namespace rwd::anon::pixel
