#include "gateway/qc_group.h"

#include <cctype>

#include "core/strings.h"

namespace rwd::gateway {
namespace {

// Trimmed, upper case, runs of blanks as one space: "Siemens  Skyra " and
// "SIEMENS SKYRA" are one scanner model.
std::string Normal(const DicomItem& ds, Tag tag) {
  const std::string raw = std::string(TrimValue(ds.GetString(tag).value_or("")));
  std::string out;
  bool blank = false;
  for (unsigned char c : raw) {
    if (std::isspace(c)) {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out.push_back(' ');
    blank = false;
    out.push_back(static_cast<char>(std::toupper(c)));
  }
  return out;
}

}  // namespace

std::string QcGroupOf(const DicomItem& ds, const anon::KeyedIds& ids) {
  const std::string site = Normal(ds, {0x0008, 0x0080});  // InstitutionName
  const std::string maker = Normal(ds, {0x0008, 0x0070});  // Manufacturer
  const std::string model = Normal(ds, {0x0008, 0x1090});  // ManufacturerModelName
  std::string protocol = Normal(ds, {0x0018, 0x1030});    // ProtocolName
  if (protocol.empty()) protocol = Normal(ds, {0x0008, 0x103E});  // SeriesDescription
  if (site.empty() && model.empty() && protocol.empty()) return "";
  const std::string modality = Normal(ds, {0x0008, 0x0060});
  const std::string body = Normal(ds, {0x0018, 0x0015});  // BodyPartExamined
  // A unit separator cannot occur in these VRs (LO, SH, CS): fields never run together.
  const std::string key = "qc group\x1f" + modality + "\x1f" + site + "\x1f" + maker + "\x1f" + model + "\x1f" +
                          protocol + "\x1f" + body;
  return ids.DbHmac(key);
}

}  // namespace rwd::gateway
