#include "anonymizer/deface/deface_bookkeeping.h"

#include "core/dicom_sequence.h"
#include "core/strings.h"

namespace rwd::deface {
namespace {

constexpr Tag kRecognizableVisualFeatures{0x0028, 0x0302};
constexpr Tag kMethodCodeSequence{0x0012, 0x0064};
constexpr Tag kCodeValue{0x0008, 0x0100}, kCodingScheme{0x0008, 0x0102}, kCodeMeaning{0x0008, 0x0104};
constexpr Tag kImageType{0x0008, 0x0008};

}  // namespace

Status MarkDefaced(DicomFile& file) {
  DicomItem ds = file.dataset();
  Status s = ds.SetString(kRecognizableVisualFeatures, "NO");
  if (!s.ok()) return s;
  bool coded = false;
  for (const DicomItem& item : SequenceItems(ds, kMethodCodeSequence)) {
    auto value = item.GetString(kCodeValue);
    auto scheme = item.GetString(kCodingScheme);
    coded = coded || (value && scheme && TrimValue(*value) == "113102" && TrimValue(*scheme) == "DCM");
  }
  if (!coded) {
    auto item = ds.AppendSequenceItem(kMethodCodeSequence);
    if (!item.ok()) return item.status();
    for (auto [tag, text] : {std::pair{kCodeValue, "113102"}, std::pair{kCodingScheme, "DCM"},
                             std::pair{kCodeMeaning, "Clean Recognizable Visual Features Option"}}) {
      s = item->SetString(tag, text);
      if (!s.ok()) return s;
    }
  }
  if (auto type = ds.GetString(kImageType)) {
    std::string t(TrimValue(*type));
    if (t.rfind("ORIGINAL", 0) == 0) {
      t.replace(0, 8, "DERIVED");
      return ds.SetString(kImageType, t);
    }
  }
  return Status::Ok();
}

}  // namespace rwd::deface
