#include "gateway/report/acquisition_facts.h"

#include <cstdio>

#include "core/strings.h"

namespace rwd::gateway::report {
namespace {

std::string Value(const DicomItem& ds, Tag tag) {
  return std::string(TrimValue(ds.GetString(tag).value_or("")));
}

// A decimal string as a short number ("0.48828125" -> "0.49"); kept as is
// when it is not a number.
std::string Rounded(const std::string& v) {
  if (v.empty()) return v;
  const std::string first = v.substr(0, v.find('\\'));
  try {
    size_t used = 0;
    const double d = std::stod(first, &used);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", d);
    return buf;
  } catch (...) {
    return first;
  }
}

}  // namespace

AcquisitionFacts AcquisitionFacts::From(const DicomFile& released) {
  const DicomItem ds = released.dataset();
  AcquisitionFacts f;
  f.manufacturer = Value(ds, {0x0008, 0x0070});
  f.model = Value(ds, {0x0008, 0x1090});
  f.field_strength_t = Rounded(Value(ds, {0x0018, 0x0087}));
  f.kernel = Value(ds, {0x0018, 0x1210});
  f.slice_thickness_mm = Rounded(Value(ds, {0x0018, 0x0050}));
  f.pixel_spacing_mm = Rounded(Value(ds, {0x0028, 0x0030}));
  f.kvp = Rounded(Value(ds, {0x0018, 0x0060}));
  f.tr_ms = Rounded(Value(ds, {0x0018, 0x0080}));
  f.te_ms = Rounded(Value(ds, {0x0018, 0x0081}));
  f.contrast = Value(ds, {0x0018, 0x0010}).empty() ? "" : "yes";
  return f;
}

std::string AcquisitionFacts::ProtocolKey(const std::string& modality) const {
  return modality + "|" + manufacturer + "|" + model + "|" + field_strength_t + "|" + kernel + "|" +
         slice_thickness_mm + "|" + pixel_spacing_mm + "|" + kvp + "|" + tr_ms + "|" + te_ms + "|" + contrast;
}

}  // namespace rwd::gateway::report
