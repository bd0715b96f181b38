#include "anonymizer/burned_in_risk.h"
#include "core/strings.h"

#include <array>
#include <string_view>

namespace rwd::anon {
BurnedInRisk AssessBurnedInRisk(const DicomItem& ds) {
  // Modalities whose images routinely carry burned-in annotation.
  static constexpr std::array<std::string_view, 6> kModalities = {"US", "SC", "OT", "XA", "ES", "DOC"};
  const std::string burned = AsciiUpper(TrimValue(ds.GetString({0x0028, 0x0301}).value_or("")));
  if (burned == "YES") return {true, "BurnedInAnnotation is YES"};
  const std::string modality = AsciiUpper(TrimValue(ds.GetString({0x0008, 0x0060}).value_or("")));
  for (std::string_view m : kModalities)
    if (modality == m) return {true, "modality " + modality + " often carries burned-in text"};
  const std::string sop_class(TrimValue(ds.GetString({0x0008, 0x0016}).value_or("")));
  // Secondary Capture family 1.2.840.10008.5.1.4.1.1.7[.x] and encapsulated
  // documents 1.2.840.10008.5.1.4.1.1.104.x (PDF, CDA, STL ...).
  if (sop_class == "1.2.840.10008.5.1.4.1.1.7" || sop_class.rfind("1.2.840.10008.5.1.4.1.1.7.", 0) == 0)
    return {true, "secondary capture SOP class"};
  if (sop_class.rfind("1.2.840.10008.5.1.4.1.1.104.", 0) == 0)
    return {true, "encapsulated document SOP class"};
  return {};
}

}  // namespace rwd::anon
