#include "core/un_sequence_check.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <vector>

#include "core/dicom_tag.h"
#include "core/nesting_scan.h"

namespace rwd {
namespace {

void PutLe16(std::vector<uint8_t>& b, uint16_t v) { b.push_back(v & 0xFF), b.push_back(v >> 8); }

// The element re-encoded as a one-element implicit-VR little-endian dataset,
// which is how a reader meets it: the nesting scan then reads its value as
// the sequence the dictionary says it is.
std::vector<uint8_t> AsImplicitDataset(const DcmTagKey& tag, const Uint8* value, Uint32 length) {
  std::vector<uint8_t> b;
  b.reserve(length + 8);
  PutLe16(b, tag.getGroup());
  PutLe16(b, tag.getElement());
  PutLe16(b, static_cast<uint16_t>(length & 0xFFFF));
  PutLe16(b, static_cast<uint16_t>(length >> 16));
  b.insert(b.end(), value, value + length);
  return b;
}

Status Check(DcmItem& item, int depth) {
  if (depth > kMaxParseNesting) return Status::Ok();  // the parser's own depth limit applies first
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* e = item.getElement(i);
    if (!e) continue;
    if (e->ident() == EVR_SQ) {
      auto* sq = static_cast<DcmSequenceOfItems*>(e);
      for (unsigned long k = 0; k < sq->card(); ++k)
        if (DcmItem* it = sq->getItem(k))
          if (Status s = Check(*it, depth + 1); !s.ok()) return s;
      continue;
    }
    // UN, or a non-standard VR DCMTK kept as unknown: both are written as UN.
    const DcmEVR vr = e->ident();
    if ((vr != EVR_UN && vr != EVR_UNKNOWN && vr != EVR_UNKNOWN2B) || e->getLength() == 0) continue;
    const DcmTagKey key = e->getTag().getXTag();
    if (DcmTag(key).getEVR() != EVR_SQ) continue;
    Uint8* value = nullptr;
    if (e->getUint8Array(value).bad() || !value) continue;
    const std::vector<uint8_t> dataset = AsImplicitDataset(key, value, e->getLength());
    if (!CheckNestingDepth(dataset).ok())
      return Status::Error(ErrorCode::kTruncated, "malformed: the UN value of sequence attribute " + Tag{key.getGroup(), key.getElement()}.ToString() +
                                                      " is not a readable sequence");
  }
  return Status::Ok();
}

}  // namespace

Status CheckUnknownSequences(DcmItem& item) { return Check(item, 0); }

}  // namespace rwd
