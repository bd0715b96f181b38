#include "core/dicom_file.h"
#include "core/dcmtk_condition.h"

#include "core/iso2022_japanese.h"
#include "core/text_codec.h"

#include "core/dicom_file_impl.h"
#include "core/memory_input_stream.h"
#include "core/nesting_scan.h"
#include "core/pixel_data_check.h"
#include "core/un_sequence_check.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmdata/dcobject.h>
#include <dcmtk/oflog/oflog.h>

#include <cstring>
#include <map>

namespace rwd {
namespace {

// DCMTK's own log lines can quote element contents: silence them once.
const bool kDcmtkLogSilenced = [] {
  OFLog::configure(OFLogger::OFF_LOG_LEVEL);
  // Public attributes stored as UN get their dictionary VR back, so the
  // profile can act on them like on any other (PS3.5 6.2.2).
  dcmEnableUnknownVRConversion.set(OFTrue);
  return true;
}();

DcmElement* E(void* p) { return static_cast<DcmElement*>(p); }
DcmItem* I(void* p) { return static_cast<DcmItem*>(p); }

// A Part 10 file has "DICM" at 128; files without preamble must start with a
// plausible first group (meta 0002 or identifying 0008), either byte order.
bool LooksLikeDicom(std::span<const uint8_t> b) {
  if (b.size() >= 132 && std::memcmp(b.data() + 128, "DICM", 4) == 0) return true;
  if (b.size() < 8) return false;
  const uint16_t le = static_cast<uint16_t>(b[0] | (b[1] << 8));
  const uint16_t be = static_cast<uint16_t>((b[0] << 8) | b[1]);
  return le == 0x0002 || le == 0x0008 || be == 0x0008;
}

Status FromCondition(ErrorCode code, const char* what, const OFCondition& c) {
  return Status::Error(code, std::string(what) + ": " + ConditionText(c));
}

}  // namespace

// ---------------------------------------------------------------- ElementRef

Tag ElementRef::tag() const {
  const DcmTag& t = E(elem_)->getTag();
  return Tag{t.getGTag(), t.getETag()};
}
std::string ElementRef::vr() const {
  return E(elem_)->getTag().getVR().getValidVRName();
}
bool ElementRef::is_sequence() const { return E(elem_)->ident() == EVR_SQ; }
uint32_t ElementRef::length() const { return E(elem_)->getLengthField(); }

Result<std::string> ElementRef::GetString() const {
  if (is_sequence()) return Status::Error(ErrorCode::kInvalidArgument, "sequence has no string value");
  OFString v;
  OFCondition c = E(elem_)->getOFStringArray(v);
  if (c.bad()) return FromCondition(ErrorCode::kInvalidArgument, "cannot read value", c);
  return std::string(v.c_str(), v.length());
}

Result<std::span<const uint8_t>> ElementRef::RawBytes() const {
  const DcmEVR vr = E(elem_)->ident();
  if (vr != EVR_OB && vr != EVR_OW && vr != EVR_UN && vr != EVR_ox)
    return Status::Error(ErrorCode::kInvalidArgument, "not an OB, OW or UN value");
  const size_t n = E(elem_)->getLength();
  if (n == 0) return std::span<const uint8_t>();
  Uint8* bytes = nullptr;
  if (E(elem_)->getUint8Array(bytes).bad() || !bytes) {
    Uint16* words = nullptr;
    if (E(elem_)->getUint16Array(words).bad() || !words)
      return Status::Error(ErrorCode::kInvalidArgument, "cannot read the value bytes");
    bytes = reinterpret_cast<Uint8*>(words);
  }
  return std::span<const uint8_t>(bytes, n);
}

Status ElementRef::SetString(std::string_view value) {
  OFCondition c = E(elem_)->putString(std::string(value).c_str(),
                                      static_cast<Uint32>(value.size()));
  if (c.bad()) return FromCondition(ErrorCode::kInvalidArgument, "cannot set value", c);
  return Status::Ok();
}

Status ElementRef::SetEmpty() {
  if (is_sequence()) {
    static_cast<DcmSequenceOfItems*>(elem_)->clear();
    return Status::Ok();
  }
  OFCondition c = E(elem_)->clear();
  if (c.bad()) return FromCondition(ErrorCode::kInvalidArgument, "cannot empty value", c);
  return Status::Ok();
}

size_t ElementRef::NumItems() const {
  if (!is_sequence()) return 0;
  return static_cast<DcmSequenceOfItems*>(elem_)->card();
}

DicomItem ElementRef::Item(size_t index) const {
  return DicomItem(static_cast<DcmSequenceOfItems*>(elem_)->getItem(static_cast<unsigned long>(index)));
}

// ------------------------------------------------------------------ DicomItem

bool DicomItem::Has(Tag tag) const {
  return I(item_)->tagExists(DcmTagKey(tag.group, tag.element));
}

std::optional<std::string> DicomItem::GetString(Tag tag) const {
  DcmElement* e = nullptr;
  if (I(item_)->findAndGetElement(DcmTagKey(tag.group, tag.element), e).bad() || !e)
    return std::nullopt;
  if (e->ident() == EVR_SQ) return std::nullopt;
  OFString v;
  if (e->getOFStringArray(v).bad()) return std::nullopt;
  return std::string(v.c_str(), v.length());
}

Status DicomItem::SetString(Tag tag, std::string_view value) {
  OFCondition c = I(item_)->putAndInsertString(DcmTag(tag.group, tag.element),
                                               std::string(value).c_str(), OFTrue);
  if (c.bad()) return FromCondition(ErrorCode::kInvalidArgument, ("cannot set " + tag.ToString()).c_str(), c);
  return Status::Ok();
}

Status DicomItem::Remove(Tag tag) {
  DcmElement* e = I(item_)->remove(DcmTagKey(tag.group, tag.element));
  delete e;
  return Status::Ok();
}

Result<DicomItem> DicomItem::AppendSequenceItem(Tag sequence) {
  DcmItem* out = nullptr;
  OFCondition c = I(item_)->findOrCreateSequenceItem(DcmTagKey(sequence.group, sequence.element), out, -2);
  if (c.bad() || !out) return FromCondition(ErrorCode::kInvalidArgument, "cannot add sequence item", c);
  return DicomItem(out);
}

void DicomItem::Walk(const std::function<Visit(ElementRef&)>& fn) {
  DcmItem* item = I(item_);
  // Private creators of this item, by (group, block).
  std::map<uint32_t, std::string> creators;
  for (DcmObject* o = item->nextInContainer(nullptr); o; o = item->nextInContainer(o)) {
    const DcmTag& t = o->getTag();
    if ((t.getGTag() & 1) && t.getETag() >= 0x10 && t.getETag() <= 0xFF && o->ident() != EVR_SQ) {
      OFString v;
      static_cast<DcmElement*>(o)->getOFStringArray(v);
      std::string s(v.c_str(), v.length());
      while (!s.empty() && s.back() == ' ') s.pop_back();
      creators[(static_cast<uint32_t>(t.getGTag()) << 16) | t.getETag()] = s;
    }
  }
  std::vector<DcmObject*> doomed;
  for (DcmObject* o = item->nextInContainer(nullptr); o; o = item->nextInContainer(o)) {
    const DcmTag& t = o->getTag();
    std::string creator;
    if ((t.getGTag() & 1) && t.getETag() > 0xFF) {
      auto it = creators.find((static_cast<uint32_t>(t.getGTag()) << 16) | (t.getETag() >> 8));
      if (it != creators.end()) creator = it->second;
    }
    ElementRef ref(o, std::move(creator));
    if (fn(ref) == Visit::kRemove) doomed.push_back(o);
  }
  for (DcmObject* o : doomed) delete item->remove(o);
}

// ------------------------------------------------------------------ DicomFile


DicomFile::DicomFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DicomFile::DicomFile(DicomFile&&) noexcept = default;
DicomFile& DicomFile::operator=(DicomFile&&) noexcept = default;
DicomFile::~DicomFile() = default;

namespace {

// Where the Pixel Data element that starts at `at` ends, or 0 when its
// encoding is not the plain one this fast path handles.
size_t PixelElementEnd(std::span<const uint8_t> b, size_t at, const DcmXfer& xfer) {
  const bool big = xfer.isBigEndian(), explicit_vr = xfer.isExplicitVR();
  auto u16 = [&](size_t o) -> uint32_t { return big ? (b[o] << 8 | b[o + 1]) : (b[o] | b[o + 1] << 8); };
  auto u32 = [&](size_t o) -> uint32_t {
    return big ? (uint32_t(b[o]) << 24 | uint32_t(b[o + 1]) << 16 | uint32_t(b[o + 2]) << 8 | b[o + 3])
               : (b[o] | b[o + 1] << 8 | b[o + 2] << 16 | uint32_t(b[o + 3]) << 24);
  };
  if (at + 12 > b.size() || u16(at) != 0x7FE0 || u16(at + 2) != 0x0010) return 0;
  size_t pos;
  uint32_t len;
  if (explicit_vr) {
    const bool long_form = (b[at + 4] == 'O' && (b[at + 5] == 'B' || b[at + 5] == 'W')) || (b[at + 4] == 'U' && b[at + 5] == 'N');
    if (!long_form) return 0;
    len = u32(at + 8);
    pos = at + 12;
  } else {
    len = u32(at + 4);
    pos = at + 8;
  }
  if (len != 0xFFFFFFFFu) return len <= b.size() - pos ? pos + len : 0;
  // Encapsulated: items (FFFE,E000) up to the sequence delimiter (FFFE,E0DD).
  while (pos + 8 <= b.size()) {
    const uint32_t g = u16(pos), e = u16(pos + 2), l = u32(pos + 4);
    if (g != 0xFFFE) return 0;
    if (e == 0xE0DD) return pos + 8;
    if (e != 0xE000 || l == 0xFFFFFFFFu || l > b.size() - pos - 8) return 0;
    pos += 8 + l;
  }
  return 0;
}

}  // namespace

Result<DicomFile> DicomFile::Parse(std::span<const uint8_t> bytes, const ParseOptions& options) {
  (void)kDcmtkLogSilenced;
  if (bytes.empty()) return Status::Error(ErrorCode::kEmptyFile, "file is empty");
  if (!LooksLikeDicom(bytes))
    return Status::Error(ErrorCode::kNotDicom, "no DICM marker and no DICOM group at the start");
  // Before DCMTK recurses into the sequences: refuse absurd nesting.
  // Its record of the top-level Pixel Data feeds the same validity checks
  // on the fast path and after a full parse.
  PixelDataEncoding pixels;
  if (Status depth = CheckNestingDepth(bytes, kMaxParseNesting, &pixels); !depth.ok()) return depth;

  if (options.defer_pixel_data) {
    // Header only: everything before Pixel Data. Taken only when Pixel Data
    // is the last element and plainly encoded; anything else is parsed whole.
    auto impl = std::make_unique<Impl>();
    MemoryInputStream in(bytes);
    impl->ff.transferInit();
    OFCondition c = impl->ff.readUntilTag(in, EXS_Unknown, EGL_noChange, kDeferredLoadLength, DCM_PixelData);
    impl->ff.transferEnd();
    if (c.good()) c = impl->ff.loadAllDataIntoMemory();
    // Checked in the transfer syntax DCMTK read the dataset in, which is the
    // one SerializeParts writes: the meta header's UID can name another (a
    // (0002,0010) with a wrong VR is not used by DCMTK), and the checks must
    // judge what will be written (fuzzing: native output, encapsulated pixels).
    const E_TransferSyntax xs = impl->ff.getDataset()->getOriginalXfer();
    DcmXfer xfer(xs);
    // DCMTK stops after reading the Pixel Data tag and length: the element
    // starts 12 (explicit VR) or 8 (implicit VR) bytes before.
    const size_t after = static_cast<size_t>(in.tell());
    const size_t header_len = xfer.isExplicitVR() ? 12 : 8;
    const size_t at = after >= header_len ? after - header_len : bytes.size();
    if (c.good() && xs != EXS_Unknown && xfer.getStreamCompression() == ESC_none && at < bytes.size() &&
        PixelElementEnd(bytes, at, xfer) == bytes.size()) {
      // The same validity checks as after a full parse.
      if (Status p = CheckPixelData(*impl->ff.getDataset(), xs, pixels); !p.ok()) return p;
      if (Status u = CheckUnknownSequences(*impl->ff.getDataset()); !u.ok()) return u;
      DcmMetaInfo* meta = impl->ff.getMetaInfo();
      OFString ts;
      impl->had_meta = meta && meta->card() > 0;
      if (!impl->had_meta || meta->findAndGetOFString(DCM_TransferSyntaxUID, ts).bad() ||
          DcmXfer(ts.c_str()).getXfer() != EXS_Unknown) {
        impl->deferred_tail = bytes.subspan(at);
        impl->deferred_xfer = xs;
        return DicomFile(std::move(impl));
      }
    }
  }

  auto impl = std::make_unique<Impl>();
  MemoryInputStream in(bytes);
  impl->ff.transferInit();
  OFCondition c = impl->ff.read(in, EXS_Unknown, EGL_noChange, kDeferredLoadLength);
  impl->ff.transferEnd();
  // Long values were skipped, not loaded: load them while `bytes` lives.
  if (c.good()) c = impl->ff.loadAllDataIntoMemory();
  if (c.bad()) return FromCondition(ErrorCode::kTruncated, "truncated or malformed, cannot parse", c);
  if (in.avail() != 0)
    return Status::Error(ErrorCode::kTruncated, "parser stopped before the end of the file");

  DcmMetaInfo* meta = impl->ff.getMetaInfo();
  OFString ts;
  impl->had_meta = meta && meta->card() > 0;
  if (impl->had_meta && meta->findAndGetOFString(DCM_TransferSyntaxUID, ts).good()) {
    if (DcmXfer(ts.c_str()).getXfer() == EXS_Unknown)
      return Status::Error(ErrorCode::kUnsupportedTransferSyntax, "transfer syntax is not one DCMTK can read");
  }
  DcmDataset* ds = impl->ff.getDataset();
  if (ds->getOriginalXfer() == EXS_Unknown)
    return Status::Error(ErrorCode::kUnsupportedTransferSyntax, "transfer syntax could not be determined");
  if (Status p = CheckPixelData(*ds, ds->getOriginalXfer(), pixels); !p.ok()) return p;
  if (Status u = CheckUnknownSequences(*ds); !u.ok()) return u;
  return DicomFile(std::move(impl));
}

bool DicomFile::pixel_data_deferred() const { return !impl_->deferred_tail.empty(); }

DicomItem DicomFile::dataset() { return DicomItem(impl_->ff.getDataset()); }
DicomItem DicomFile::meta() { return DicomItem(impl_->ff.getMetaInfo()); }
bool DicomFile::has_meta_header() const { return impl_->had_meta; }

std::string DicomFile::transfer_syntax_uid() const {
  DcmXfer x(impl_->ff.getDataset()->getOriginalXfer());
  return x.getXferID();
}

namespace {

constexpr Tag kSpecificCharacterSet{0x0008, 0x0005};

bool HoldsCharsetText(const std::string& vr) {
  return vr == "SH" || vr == "LO" || vr == "ST" || vr == "LT" || vr == "UT" || vr == "PN" || vr == "UC";
}

// Whether this item or any nested one declares Japanese ISO 2022.
bool DeclaresJapanese(DicomItem item) {
  bool found = false;
  item.Walk([&](ElementRef& e) {
    if (e.tag() == kSpecificCharacterSet) if (auto v = e.GetString(); v.ok()) found = found || IsJapaneseIso2022(*v);
    for (size_t i = 0; i < e.NumItems() && !found; ++i) found = DeclaresJapanese(e.Item(i));
    return DicomItem::Visit::kKeep;
  });
  return found;
}

// Every text value of `item` (and its nested items, which may declare their
// own character set) decoded to UTF-8 with TextCodec; nested declarations go
// (the dataset's ISO_IR 192 then holds for all).
Status ConvertItemToUtf8(DicomItem item, std::string charset, bool nested) {
  if (auto own = item.GetString(kSpecificCharacterSet)) charset = *own;
  auto codec = TextCodec::Create(charset);
  if (!codec.ok()) return codec.status();
  Status status;
  item.Walk([&](ElementRef& e) {
    if (!status.ok()) return DicomItem::Visit::kKeep;
    if (e.tag() == kSpecificCharacterSet) return nested ? DicomItem::Visit::kRemove : DicomItem::Visit::kKeep;
    for (size_t i = 0; i < e.NumItems() && status.ok(); ++i) status = ConvertItemToUtf8(e.Item(i), charset, true);
    const std::string vr = e.vr();
    if (e.is_sequence() || !HoldsCharsetText(vr)) return DicomItem::Visit::kKeep;
    auto raw = e.GetString();
    if (!raw.ok()) return DicomItem::Visit::kKeep;
    auto utf8 = (*codec)->ToUtf8(*raw, vr == "PN");
    if (!utf8.ok()) status = Status::Error(utf8.status().code(), e.tag().ToString() + ": " + utf8.status().message());
    else if (*utf8 != *raw) status = e.SetString(*utf8);
    return DicomItem::Visit::kKeep;
  });
  return status;
}

}  // namespace

Status DicomFile::ConvertToUtf8() {
  if (DeclaresJapanese(dataset())) {
    // DCMTK's conversion goes through iconv, which lacks JIS X 0208.
    Status s = ConvertItemToUtf8(dataset(), "", false);
    if (!s.ok()) return Status::Error(ErrorCode::kInvalidArgument, "cannot convert the text to UTF-8: " + s.message());
    return dataset().SetString(kSpecificCharacterSet, "ISO_IR 192");
  }
  OFCondition c = impl_->ff.convertToUTF8();
  if (c.bad()) return FromCondition(ErrorCode::kInvalidArgument, "cannot convert the text to UTF-8", c);
  return Status::Ok();
}

Result<SerializedFile> DicomFile::SerializeParts() {
  DcmDataset* ds = impl_->ff.getDataset();
  const E_TransferSyntax xfer = ds->getOriginalXfer();
  // Meta information (SOP UIDs, transfer syntax) follows the dataset.
  OFCondition c = impl_->ff.validateMetaInfo(xfer, EWM_updateMeta);
  if (c.bad()) return FromCondition(ErrorCode::kInternal, "cannot build meta header", c);

  SerializedFile out;
  out.tail = impl_->deferred_tail;
  const size_t estimate = impl_->ff.calcElementLength(xfer, EET_ExplicitLength) + 4096;
  std::vector<uint8_t> buf(std::min<size_t>(estimate, 64u << 20));
  DcmOutputBufferStream stream(buf.data(), buf.size());
  impl_->ff.transferInit();
  do {
    c = impl_->ff.write(stream, xfer, EET_ExplicitLength, nullptr, EGL_recalcGL, EPD_noChange, 0, 0, 0,
                        EWM_dontUpdateMeta);
    void* p = nullptr;
    offile_off_t n = 0;
    if (c.good()) stream.flush();  // a deflate filter holds data until flushed
    stream.flushBuffer(p, n);
    if (out.head.empty() && c.good() && stream.isFlushed() && static_cast<size_t>(n) <= buf.size() &&
        p == buf.data()) {
      buf.resize(static_cast<size_t>(n));  // written in one go: keep the buffer
      out.head.swap(buf);
      break;
    }
    const uint8_t* bp = static_cast<const uint8_t*>(p);
    out.head.insert(out.head.end(), bp, bp + n);
    // Deflated (PS3.5 A.5): drain what the compression filter still holds.
    if (c.good() && !stream.isFlushed()) c = EC_StreamNotifyClient;
  } while (c == EC_StreamNotifyClient);
  impl_->ff.transferEnd();
  if (c.bad()) return FromCondition(ErrorCode::kInternal, "cannot write", c);
  return out;
}

Result<std::vector<uint8_t>> DicomFile::Serialize() {
  auto parts = SerializeParts();
  if (!parts.ok()) return parts.status();
  std::vector<uint8_t> all = std::move(parts->head);
  all.insert(all.end(), parts->tail.begin(), parts->tail.end());
  return all;
}

}  // namespace rwd
