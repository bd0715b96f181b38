#include "core/pixel_data.h"
#include "core/dcmtk_condition.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <openjpeg.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <mutex>

#include "core/dicom_file_impl.h"
#include "core/strings.h"

namespace rwd {

// The decoded buffer is handed out as little-endian samples; on a big-endian
// host every 16/32-bit access would need swapping. Debian's targets here are
// little endian.
static_assert(std::endian::native == std::endian::little, "PixelData assumes a little-endian host");

namespace {

const DcmTagKey kExtendedOffsetTable(0x7FE0, 0x0001);
const DcmTagKey kExtendedOffsetTableLengths(0x7FE0, 0x0002);

// DCMTK's codecs are process-wide registrations; register them once.
void RegisterCodecs() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Colour JPEG in YCbCr comes out as RGB, colour-by-pixel; no new UIDs
    // (the header stage owns UIDs).
    DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation, EUC_never, EPC_colorByPixel);
    DJLSDecoderRegistration::registerCodecs(EJLSUC_never, EJLSPC_colorByPixel);
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

Status Unsupported(const std::string& ts_name, const std::string& what) {
  return Status::Error(ErrorCode::kUnsupportedTransferSyntax, ts_name + ": " + what);
}
Status Invalid(const std::string& what) { return Status::Error(ErrorCode::kInvalidArgument, what); }

std::string Trimmed(const OFString& s) { return std::string(TrimValue(std::string_view(s.c_str(), s.length()))); }

uint16_t GetU16(DcmItem* item, const DcmTagKey& key, uint16_t fallback) {
  Uint16 v = 0;
  return item->findAndGetUint16(key, v).good() ? v : fallback;
}

DcmPixelData* FindPixelData(DcmItem* item) {
  DcmElement* e = nullptr;
  if (item->findAndGetElement(DCM_PixelData, e).bad() || !e || e->ident() != EVR_PixelData) return nullptr;
  return static_cast<DcmPixelData*>(e);
}

// The native value as a little-endian byte stream (DCMTK swaps OW data read
// big endian to the host order on access).
bool NativeBytes(DcmPixelData* px, const uint8_t** bytes, size_t* size) {
  Uint8* b = nullptr;
  if (px->getUint8Array(b).bad()) return false;
  *bytes = b;
  *size = b ? px->getLength() : 0;
  return true;
}

// Converts one YCbCr full-range sample triple to RGB (PS3.3 C.7.6.3.1.2).
inline void YbrToRgb(int y, int cb, int cr, uint8_t* out) {
  const double r = y + 1.402 * (cr - 128);
  const double g = y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128);
  const double b = y + 1.772 * (cb - 128);
  out[0] = static_cast<uint8_t>(std::clamp(static_cast<int>(r + 0.5), 0, 255));
  out[1] = static_cast<uint8_t>(std::clamp(static_cast<int>(g + 0.5), 0, 255));
  out[2] = static_cast<uint8_t>(std::clamp(static_cast<int>(b + 0.5), 0, 255));
}

// ------------------------------------------------------------ JPEG 2000

struct MemoryStream {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
};

OPJ_SIZE_T StreamRead(void* buffer, OPJ_SIZE_T n, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (s->pos >= s->size) return static_cast<OPJ_SIZE_T>(-1);
  const size_t k = std::min<size_t>(n, s->size - s->pos);
  std::memcpy(buffer, s->data + s->pos, k);
  s->pos += k;
  return k;
}
OPJ_OFF_T StreamSkip(OPJ_OFF_T n, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  const OPJ_OFF_T target =
      std::clamp<OPJ_OFF_T>(static_cast<OPJ_OFF_T>(s->pos) + n, 0, static_cast<OPJ_OFF_T>(s->size));
  const OPJ_OFF_T moved = target - static_cast<OPJ_OFF_T>(s->pos);
  s->pos = static_cast<size_t>(target);
  return moved;
}
OPJ_BOOL StreamSeek(OPJ_OFF_T n, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (n < 0 || static_cast<size_t>(n) > s->size) return OPJ_FALSE;
  s->pos = static_cast<size_t>(n);
  return OPJ_TRUE;
}
void Quiet(const char*, void*) {}

bool IsJp2File(const std::vector<uint8_t>& c) {
  static constexpr uint8_t kSignature[] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20};
  return c.size() >= sizeof kSignature && std::memcmp(c.data(), kSignature, sizeof kSignature) == 0;
}
bool StartsCodestream(const uint8_t* p, size_t n) {
  // SOC then SIZ marker (PS3.5 A.4.4 / ISO 15444-1 A.4.1), or a JP2 file.
  if (n >= 4 && p[0] == 0xFF && p[1] == 0x4F && p[2] == 0xFF && p[3] == 0x51) return true;
  return n >= 8 && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0x0C && p[4] == 0x6A && p[5] == 0x50;
}

// Decodes one codestream into `out` (rows*cols*spp samples of `bps` bytes,
// colour-by-pixel). OpenJPEG undoes the component transform (RCT/ICT).
Status DecodeJ2kFrame(const std::vector<uint8_t>& code, int rows, int cols, int spp, size_t bps, uint8_t* out,
                      const std::string& ts) {
  opj_codec_t* codec = opj_create_decompress(IsJp2File(code) ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
  if (!codec) return Unsupported(ts, "cannot create a JPEG 2000 decoder");
  opj_set_info_handler(codec, Quiet, nullptr);
  opj_set_warning_handler(codec, Quiet, nullptr);
  opj_set_error_handler(codec, Quiet, nullptr);
  opj_dparameters_t params;
  opj_set_default_decoder_parameters(&params);
  MemoryStream mem{code.data(), code.size()};
  opj_stream_t* stream = opj_stream_create(1 << 16, OPJ_TRUE);
  opj_image_t* image = nullptr;
  Status status;
  if (!stream || !opj_setup_decoder(codec, &params)) {
    status = Unsupported(ts, "cannot set up the JPEG 2000 decoder");
  } else {
    opj_codec_set_threads(codec, 1);  // workers parallelise across objects
    opj_stream_set_read_function(stream, StreamRead);
    opj_stream_set_skip_function(stream, StreamSkip);
    opj_stream_set_seek_function(stream, StreamSeek);
    opj_stream_set_user_data(stream, &mem, nullptr);
    opj_stream_set_user_data_length(stream, code.size());
    if (!opj_read_header(stream, codec, &image) || !opj_decode(codec, stream, image) ||
        !opj_end_decompress(codec, stream))
      status = Unsupported(ts, "the JPEG 2000 codestream does not decode");
  }
  if (status.ok()) {
    if (static_cast<int>(image->numcomps) < spp) status = Unsupported(ts, "fewer JPEG 2000 components than samples");
    for (int c = 0; status.ok() && c < spp; ++c) {
      const opj_image_comp_t& comp = image->comps[c];
      if (static_cast<int>(comp.w) != cols || static_cast<int>(comp.h) != rows || comp.dx != 1 || comp.dy != 1 ||
          !comp.data)
        status = Unsupported(ts, "JPEG 2000 component size differs from Rows/Columns (subsampled?)");
    }
  }
  if (status.ok()) {
    const size_t n = static_cast<size_t>(rows) * cols;
    for (int c = 0; c < spp; ++c) {
      const OPJ_INT32* src = image->comps[c].data;
      for (size_t i = 0; i < n; ++i) {
        const uint32_t v = static_cast<uint32_t>(src[i]);  // two's complement bits kept
        uint8_t* dst = out + (i * spp + c) * bps;
        for (size_t b = 0; b < bps; ++b) dst[b] = static_cast<uint8_t>(v >> (8 * b));
      }
    }
  }
  if (image) opj_image_destroy(image);
  if (stream) opj_stream_destroy(stream);
  opj_destroy_codec(codec);
  return status;
}

// The codestream of every frame: one fragment per frame, or grouped by the
// Basic Offset Table, or by the start-of-codestream marker.
Result<std::vector<std::vector<uint8_t>>> J2kFrames(DcmPixelSequence* seq, int frames, const std::string& ts) {
  const unsigned long items = seq->card();
  if (items < 2) return Unsupported(ts, "encapsulated Pixel Data has no fragment");
  struct Fragment {
    const uint8_t* data;
    size_t size;
    size_t offset;  // from the first fragment's item tag (PS3.5 A.4)
  };
  std::vector<Fragment> fragments;
  size_t offset = 0;
  for (unsigned long i = 1; i < items; ++i) {
    DcmPixelItem* item = nullptr;
    Uint8* data = nullptr;
    if (seq->getItem(item, i).bad() || !item) return Unsupported(ts, "unreadable fragment");
    const size_t size = item->getLength();
    if (size > 0 && (item->getUint8Array(data).bad() || !data)) return Unsupported(ts, "unreadable fragment");
    fragments.push_back({data, size, offset});
    offset += 8 + size;
  }
  std::vector<std::vector<uint8_t>> out(static_cast<size_t>(frames));
  std::vector<size_t> first(static_cast<size_t>(frames) + 1, fragments.size());
  if (frames == 1) {
    first[0] = 0;
  } else if (static_cast<int>(fragments.size()) == frames) {
    for (int f = 0; f < frames; ++f) first[f] = static_cast<size_t>(f);
  } else {
    DcmPixelItem* table = nullptr;
    Uint8* t = nullptr;
    std::vector<uint32_t> offsets;
    if (seq->getItem(table, 0).good() && table && table->getLength() == 4u * frames && table->getUint8Array(t).good())
      for (int f = 0; f < frames; ++f)
        offsets.push_back(static_cast<uint32_t>(t[4 * f] | (t[4 * f + 1] << 8) | (t[4 * f + 2] << 16) |
                                                (static_cast<uint32_t>(t[4 * f + 3]) << 24)));
    int f = 0;
    for (size_t i = 0; i < fragments.size() && f < frames; ++i) {
      const bool starts =
          offsets.empty() ? StartsCodestream(fragments[i].data, fragments[i].size) : fragments[i].offset == offsets[f];
      if (starts || i == 0) first[f++] = i;
    }
    if (f != frames) return Unsupported(ts, "cannot tell which fragments make up each frame");
  }
  for (int f = 0; f < frames; ++f)
    for (size_t i = first[f]; i < first[f + 1]; ++i)
      if (fragments[i].size) out[f].insert(out[f].end(), fragments[i].data, fragments[i].data + fragments[i].size);
  return out;
}

}  // namespace

// ------------------------------------------------------------------ Impl

struct PixelData::Impl {
  int rows = 0, columns = 0, frames = 1, spp = 1;
  int bits_allocated = 8;         // of the buffer
  int stored_bits_allocated = 8;  // as written in the file (1, 8, 16, 32)
  int bits_stored = 8;
  bool is_signed = false;
  ColorModel model = ColorModel::kMonochrome2;
  bool converted = false;
  bool lossy_source = false;
  bool encapsulated_source = false;
  PaletteLut palette;
  std::string ts_uid;
  std::vector<uint8_t> data;
  // DecodeView: the frames read in place from the file's buffer (data empty)
  // until a caller asks for them writable.
  std::span<const uint8_t> borrowed;

  const uint8_t* bytes() const { return borrowed.empty() ? data.data() : borrowed.data(); }
  void Own() {
    if (borrowed.empty()) return;
    data.assign(borrowed.begin(), borrowed.end());
    borrowed = {};
  }
  size_t bps() const { return static_cast<size_t>(bits_allocated / 8); }
  size_t frame_size() const { return static_cast<size_t>(rows) * columns * spp * bps(); }
};

PixelData::PixelData(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PixelData::PixelData(PixelData&&) noexcept = default;
PixelData& PixelData::operator=(PixelData&&) noexcept = default;
PixelData::~PixelData() = default;

int PixelData::rows() const { return impl_->rows; }
int PixelData::columns() const { return impl_->columns; }
int PixelData::frames() const { return impl_->frames; }
int PixelData::samples_per_pixel() const { return impl_->spp; }
int PixelData::bits_allocated() const { return impl_->bits_allocated; }
int PixelData::bits_stored() const { return impl_->bits_stored; }
bool PixelData::is_signed() const { return impl_->is_signed; }
ColorModel PixelData::color_model() const { return impl_->model; }
const PaletteLut& PixelData::palette() const { return impl_->palette; }
const std::string& PixelData::source_transfer_syntax() const { return impl_->ts_uid; }
bool PixelData::layout_converted() const { return impl_->converted; }
size_t PixelData::bytes_per_sample() const { return impl_->bps(); }
size_t PixelData::frame_size() const { return impl_->frame_size(); }
std::span<uint8_t> PixelData::frame(int i) {
  impl_->Own();
  return {impl_->data.data() + static_cast<size_t>(i) * impl_->frame_size(), impl_->frame_size()};
}
std::span<const uint8_t> PixelData::frame(int i) const {
  return {impl_->bytes() + static_cast<size_t>(i) * impl_->frame_size(), impl_->frame_size()};
}

bool PixelData::Present(const DicomFile& file) {
  return !file.impl_->deferred_tail.empty() || FindPixelData(const_cast<DicomFile&>(file).impl_->ff.getDataset()) != nullptr;
}

namespace {

// A descriptor value is US or SS (PS3.3 C.7.6.3.1.5); read its 16 bits.
bool DescriptorValue(DcmItem* ds, const DcmTagKey& key, unsigned long pos, uint16_t* out) {
  Uint16 u = 0;
  if (ds->findAndGetUint16(key, u, pos).good()) {
    *out = u;
    return true;
  }
  Sint16 s = 0;
  if (ds->findAndGetSint16(key, s, pos).good()) {
    *out = static_cast<uint16_t>(s);
    return true;
  }
  return false;
}

Status ReadPalette(DcmItem* ds, PaletteLut* lut) {
  const DcmTagKey descriptors[] = {DCM_RedPaletteColorLookupTableDescriptor, DCM_GreenPaletteColorLookupTableDescriptor,
                                   DCM_BluePaletteColorLookupTableDescriptor};
  const DcmTagKey tables[] = {DCM_RedPaletteColorLookupTableData, DCM_GreenPaletteColorLookupTableData,
                              DCM_BluePaletteColorLookupTableData};
  std::vector<uint16_t>* out[] = {&lut->red, &lut->green, &lut->blue};
  for (int c = 0; c < 3; ++c) {
    uint16_t entries = 0, first = 0, bits = 0;
    if (!DescriptorValue(ds, descriptors[c], 0, &entries) || !DescriptorValue(ds, descriptors[c], 1, &first) ||
        !DescriptorValue(ds, descriptors[c], 2, &bits))
      return Invalid("PALETTE COLOR without a complete Palette Color Lookup Table Descriptor");
    const size_t n = entries == 0 ? 65536u : entries;  // PS3.3 C.7.6.3.1.5: 0 means 2^16
    DcmElement* e = nullptr;
    if (ds->findAndGetElement(tables[c], e).bad() || !e)
      return Status::Error(ErrorCode::kUnsupportedTransferSyntax,
                           "PALETTE COLOR without Lookup Table Data (segmented palettes are not supported)");
    Uint8* bytes = nullptr;
    if (e->getUint8Array(bytes).bad() || !bytes) {
      Uint16* words = nullptr;
      if (e->getUint16Array(words).bad() || !words) return Invalid("unreadable Palette Color Lookup Table Data");
      bytes = reinterpret_cast<Uint8*>(words);
    }
    const size_t length = e->getLength();
    out[c]->resize(n);
    if (length >= 2 * n) {
      const auto* words = reinterpret_cast<const uint16_t*>(bytes);
      for (size_t i = 0; i < n; ++i) (*out[c])[i] = words[i];
    } else if (bits == 8 && length >= n) {
      for (size_t i = 0; i < n; ++i) (*out[c])[i] = bytes[i];  // 8-bit entries packed two per word
    } else {
      return Invalid("Palette Color Lookup Table Data shorter than its descriptor");
    }
    if (c == 0) {
      lut->first_mapped = first;
      lut->bits = bits > 8 ? 16 : 8;
    }
    if (bits == 8 && length >= 2 * n)
      for (uint16_t& v : *out[c]) v &= 0xFF;  // 8-bit entries in 16-bit words
  }
  if (lut->red.size() != lut->green.size() || lut->red.size() != lut->blue.size())
    return Invalid("Palette Color Lookup Tables differ in length");
  return Status::Ok();
}

}  // namespace

namespace {

// The value of a deferred native Pixel Data element (DicomFile's fast path:
// the element's raw bytes, header included) when the samples need no
// swapping: little endian, or 8-bit OB. Empty otherwise (or when
// encapsulated): then DCMTK reads the element.
std::span<const uint8_t> DeferredNativeValue(std::span<const uint8_t> tail, const DcmXfer& x) {
  if (x.isEncapsulated() || tail.size() < 8) return {};
  size_t header = 8;
  if (x.isExplicitVR()) {
    if (tail.size() < 12) return {};
    const bool ob = tail[4] == 'O' && tail[5] == 'B';
    if (x.isBigEndian() && !ob) return {};
    header = 12;
  } else if (x.isBigEndian()) {
    return {};
  }
  const size_t at = header - 4;
  const uint32_t len = x.isBigEndian()
                           ? (uint32_t(tail[at]) << 24 | uint32_t(tail[at + 1]) << 16 | uint32_t(tail[at + 2]) << 8 | tail[at + 3])
                           : (tail[at] | tail[at + 1] << 8 | tail[at + 2] << 16 | uint32_t(tail[at + 3]) << 24);
  if (len == 0xFFFFFFFFu || len > tail.size() - header) return {};
  return tail.subspan(header, len);
}

// The deferred Pixel Data element parsed by DCMTK into `out` (byte order,
// encapsulated fragments), with clones of the Image Pixel attributes
// (group 0028) of `header` beside it.
Status ReadDeferredElement(std::span<const uint8_t> tail, E_TransferSyntax xfer, DcmItem* header, DcmDataset* out) {
  DcmInputBufferStream in;
  in.setBuffer(tail.data(), static_cast<offile_off_t>(tail.size()));
  in.setEos();
  out->transferInit();
  OFCondition c = out->read(in, xfer, EGL_noChange, DCM_MaxReadLength);
  out->transferEnd();
  if (c.bad() || !FindPixelData(out)) return Invalid("the deferred Pixel Data does not parse");
  for (unsigned long i = 0; i < header->card(); ++i) {
    DcmElement* e = header->getElement(i);
    if (e && e->getGTag() == 0x0028) out->insert(OFstatic_cast(DcmElement*, e->clone()), OFTrue);
  }
  return Status::Ok();
}

}  // namespace

Result<PixelData> PixelData::Decode(const DicomFile& file) { return DecodeImpl(file, false); }
Result<PixelData> PixelData::DecodeView(const DicomFile& file) { return DecodeImpl(file, true); }

Result<PixelData> PixelData::DecodeImpl(const DicomFile& file, bool in_place) {
  RegisterCodecs();
  const DicomFile::Impl& f = *file.impl_;
  DcmDataset* ds = const_cast<DcmFileFormat&>(f.ff).getDataset();
  DcmPixelData* px = FindPixelData(ds);
  E_TransferSyntax xfer = ds->getOriginalXfer();
  // Header-only parse (ParseOptions::defer_pixel_data): the pixels are
  // decoded from the bytes already in memory, not from a second parse of
  // the whole file. Native little-endian values are taken as they are.
  std::span<const uint8_t> native;
  DcmDataset deferred;
  if (!px && !f.deferred_tail.empty()) {
    xfer = f.deferred_xfer;
    native = DeferredNativeValue(f.deferred_tail, DcmXfer(xfer));
    if (native.empty()) {
      Status read = ReadDeferredElement(f.deferred_tail, xfer, ds, &deferred);
      if (!read.ok()) return read;
      ds = &deferred;
      px = FindPixelData(ds);
    }
  }
  if (!px && native.empty()) return Invalid("no Pixel Data (7FE0,0010)");

  auto impl = std::make_unique<Impl>();
  Impl& m = *impl;
  const DcmXfer dx(xfer);
  m.ts_uid = dx.getXferID();
  const std::string ts = std::string(dx.getXferName()) + " (" + m.ts_uid + ")";
  m.encapsulated_source = dx.isEncapsulated();
  m.lossy_source = dx.isLossy() && xfer != EXS_JPEG2000 && xfer != EXS_JPEG2000Multicomponent;

  m.rows = GetU16(ds, DCM_Rows, 0);
  m.columns = GetU16(ds, DCM_Columns, 0);
  m.spp = GetU16(ds, DCM_SamplesPerPixel, 1);
  m.stored_bits_allocated = GetU16(ds, DCM_BitsAllocated, 0);
  m.bits_stored = GetU16(ds, DCM_BitsStored, static_cast<uint16_t>(m.stored_bits_allocated));
  m.is_signed = GetU16(ds, DCM_PixelRepresentation, 0) == 1;
  int planar = GetU16(ds, DCM_PlanarConfiguration, 0);
  Sint32 frames = 1;
  if (ds->findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) frames = 1;
  m.frames = frames;
  OFString pi_text;
  ds->findAndGetOFString(DCM_PhotometricInterpretation, pi_text);
  std::string pi = Trimmed(pi_text);
  // Layout: everything becomes colour-by-pixel RGB or monochrome/palette.
  auto set_color_model = [&]() -> Status {
    if (pi == "MONOCHROME1")
      m.model = ColorModel::kMonochrome1;
    else if (pi == "MONOCHROME2")
      m.model = ColorModel::kMonochrome2;
    else if (pi == "PALETTE COLOR")
      m.model = ColorModel::kPaletteColor;
    else if (pi == "RGB" || pi == "YBR_FULL" || pi == "YBR_FULL_422")
      m.model = ColorModel::kRgb;
    else
      return Unsupported(ts, "PhotometricInterpretation (0028,0004) not supported");
    if ((m.model == ColorModel::kRgb) != (m.spp == 3))
      return Invalid("PhotometricInterpretation does not match SamplesPerPixel");
    if (m.model == ColorModel::kPaletteColor) {
      Status s = ReadPalette(ds, &m.palette);
      if (!s.ok()) return s;
    }
    if (pi != Trimmed(pi_text)) m.converted = true;
    return Status::Ok();
  };

  if (m.rows <= 0 || m.columns <= 0) return Invalid("Rows or Columns missing or zero");
  if (m.spp != 1 && m.spp != 3) return Unsupported(ts, "SamplesPerPixel " + std::to_string(m.spp) + " not supported");
  const int ba = m.stored_bits_allocated;
  if (ba != 1 && ba != 8 && ba != 16 && ba != 32)
    return Unsupported(ts, "BitsAllocated " + std::to_string(ba) + " not supported");
  if (ba == 1 && m.spp != 1) return Invalid("1-bit data with more than one sample per pixel");
  if (m.bits_stored < 1 || m.bits_stored > ba) m.bits_stored = ba;
  m.bits_allocated = ba == 1 ? 8 : ba;
  if (static_cast<uint64_t>(m.rows) * m.columns * m.spp * m.bps() * m.frames > (uint64_t{4} << 30))
    return Invalid("Pixel Data larger than 4 GiB decoded");

  const size_t npix = static_cast<size_t>(m.rows) * m.columns;
  const size_t fsize = m.frame_size();

  // Raw decoded bytes (little endian, layout as `pi` and `planar` say).
  std::vector<uint8_t> raw;
  const bool j2k = xfer == EXS_JPEG2000LosslessOnly || xfer == EXS_JPEG2000 ||
                   xfer == EXS_JPEG2000MulticomponentLosslessOnly || xfer == EXS_JPEG2000Multicomponent;
  if (j2k) {
    DcmPixelSequence* seq = nullptr;
    if (!px || px->getEncapsulatedRepresentation(xfer, nullptr, seq).bad() || !seq)
      return Unsupported(ts, "no encapsulated Pixel Data");
    auto codes = J2kFrames(seq, m.frames, ts);
    if (!codes.ok()) return codes.status();
    raw.resize(fsize * m.frames);
    for (int f = 0; f < m.frames; ++f) {
      Status s = DecodeJ2kFrame((*codes)[f], m.rows, m.columns, m.spp, m.bps(), raw.data() + f * fsize, ts);
      if (!s.ok()) return s;
    }
    planar = 0;
    if (pi == "YBR_RCT" || pi == "YBR_ICT") pi = "RGB";  // the component transform is undone by OpenJPEG
  } else if (dx.isEncapsulated()) {
    // DCMTK's codecs, on a copy of the Image Pixel module: the file keeps its
    // compressed representation and its Photometric Interpretation.
    DcmDataset copy;
    for (unsigned long i = 0; i < ds->card(); ++i) {
      DcmElement* e = ds->getElement(i);
      if (e && (e->getGTag() == 0x0028 || e->getTag() == DCM_PixelData))
        copy.insert(OFstatic_cast(DcmElement*, e->clone()), OFTrue);
    }
    OFCondition c = copy.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
    if (c.bad()) return Unsupported(ts, std::string("no decoder, or decoding failed: ") + ConditionText(c));
    DcmPixelData* dpx = FindPixelData(&copy);
    const uint8_t* bytes = nullptr;
    size_t size = 0;
    if (!dpx || !NativeBytes(dpx, &bytes, &size)) return Unsupported(ts, "decoded Pixel Data unreadable");
    raw.assign(bytes, bytes + size);
    OFString decoded_pi;
    if (copy.findAndGetOFString(DCM_PhotometricInterpretation, decoded_pi).good()) pi = Trimmed(decoded_pi);
    planar = GetU16(&copy, DCM_PlanarConfiguration, 0);
    // YBR_FULL_422 decoded by a JPEG codec is full resolution.
    if (pi == "YBR_FULL_422" && raw.size() >= npix * 3 * m.frames) pi = "YBR_FULL";
  } else {
    const uint8_t* bytes = native.data();
    size_t size = native.size();
    if (!px) {
      // A deferred native value, already in host order (DeferredNativeValue).
    } else if (!NativeBytes(px, &bytes, &size)) {
      return Invalid("Pixel Data unreadable");
    }
    // Samples laid out as the buffer keeps them (none of the conversions
    // below: bit unpacking, YBR, planes, big-endian 32-bit words): read in
    // place when asked.
    const bool as_stored = ba != 1 && pi != "YBR_FULL_422" && pi != "YBR_FULL" && !(m.spp == 3 && planar != 0) &&
                           !(dx.isBigEndian() && ba == 32);
    // (Not from `deferred`, a dataset of this function's: its bytes end with it.)
    if (in_place && as_stored && ds != &deferred && size >= fsize * static_cast<size_t>(m.frames)) {
      m.borrowed = std::span<const uint8_t>(bytes, fsize * static_cast<size_t>(m.frames));
      Status model = set_color_model();
      if (!model.ok()) return model;
      return PixelData(std::move(impl));
    }
    raw.assign(bytes, bytes + size);
    if (dx.isBigEndian() && ba == 32) {
      // DCMTK swaps OW per 16-bit word; a big-endian 32-bit sample also has
      // its two words in big-endian order (as pydicom and GDCM read it).
      for (size_t i = 0; i + 4 <= raw.size(); i += 4) {
        std::swap(raw[i], raw[i + 2]);
        std::swap(raw[i + 1], raw[i + 3]);
      }
    }
  }

  if (Status model = set_color_model(); !model.ok()) return model;

  if (ba == 1) {
    // PS3.5 8.1.1: bits packed from the least significant bit, frames not
    // byte aligned.
    const size_t total = npix * m.frames;
    if (raw.size() * 8 < total) return Invalid("Pixel Data shorter than Rows x Columns x NumberOfFrames");
    m.data.resize(total);
    for (size_t i = 0; i < total; ++i) m.data[i] = (raw[i >> 3] >> (i & 7)) & 1;
  } else if (pi == "YBR_FULL_422") {
    if (m.bits_allocated != 8 || (m.columns & 1) || planar != 0)
      return Unsupported(ts, "YBR_FULL_422 other than 8-bit, even width, colour-by-pixel");
    const size_t in_frame = npix * 2;
    if (raw.size() < in_frame * m.frames) return Invalid("Pixel Data shorter than the frames it declares");
    m.data.resize(fsize * m.frames);
    for (int f = 0; f < m.frames; ++f) {
      const uint8_t* in = raw.data() + f * in_frame;
      uint8_t* out = m.data.data() + f * fsize;
      for (size_t p = 0; p < npix; p += 2, in += 4) {
        YbrToRgb(in[0], in[2], in[3], out + p * 3);
        YbrToRgb(in[1], in[2], in[3], out + (p + 1) * 3);
      }
    }
    m.converted = true;
  } else {
    if (raw.size() < fsize * m.frames) return Invalid("Pixel Data shorter than the frames it declares");
    if (m.spp == 3 && planar == 1) {
      m.data.resize(fsize * m.frames);
      const size_t bps = m.bps();
      for (int f = 0; f < m.frames; ++f) {
        const uint8_t* in = raw.data() + f * fsize;
        uint8_t* out = m.data.data() + f * fsize;
        for (int c = 0; c < 3; ++c)
          for (size_t p = 0; p < npix; ++p) std::memcpy(out + (p * 3 + c) * bps, in + (c * npix + p) * bps, bps);
      }
      m.converted = true;
    } else {
      raw.resize(fsize * m.frames);  // drops the padding byte of odd lengths
      m.data = std::move(raw);
    }
    if (pi == "YBR_FULL") {
      if (m.bits_allocated != 8) return Unsupported(ts, "YBR_FULL other than 8-bit");
      for (size_t i = 0; i < npix * m.frames; ++i) {
        uint8_t* p = m.data.data() + i * 3;
        YbrToRgb(p[0], p[1], p[2], p);
      }
      m.converted = true;
    }
  }
  if (m.spp == 3 && GetU16(ds, DCM_PlanarConfiguration, 0) != 0) m.converted = true;
  return PixelData(std::move(impl));
}

Status PixelData::WriteTo(DicomFile& file) const {
  const Impl& m = *impl_;
  DcmDataset* ds = file.impl_->ff.getDataset();
  DcmPixelData* px = FindPixelData(ds);
  if (!px) return Invalid("no Pixel Data (7FE0,0010) to write into");

  std::vector<uint8_t> owned;
  const std::vector<uint8_t>* out = &m.data;
  if (!m.borrowed.empty()) {
    owned.assign(m.borrowed.begin(), m.borrowed.end());
    out = &owned;
  }
  std::vector<uint8_t> packed;
  if (m.stored_bits_allocated == 1) {
    packed.assign((out->size() + 7) / 8, 0);
    for (size_t i = 0; i < out->size(); ++i)
      if ((*out)[i] & 1) packed[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    out = &packed;
  }
  std::vector<uint8_t> padded;
  if (out->size() & 1) {  // values have even length (PS3.5 7.1.1)
    padded = *out;
    padded.push_back(0);
    out = &padded;
  }
  OFCondition c;
  if (m.bits_allocated == 8) {
    c = px->putUint8Array(out->data(), static_cast<unsigned long>(out->size()));
  } else {
    c = px->putUint16Array(reinterpret_cast<const Uint16*>(out->data()), static_cast<unsigned long>(out->size() / 2));
  }
  if (c.bad()) return Status::Error(ErrorCode::kInternal, std::string("cannot replace Pixel Data: ") + ConditionText(c));
  delete ds->remove(kExtendedOffsetTable);
  delete ds->remove(kExtendedOffsetTableLengths);

  if (m.converted) {
    c = ds->putAndInsertString(DCM_PhotometricInterpretation, "RGB");
    if (c.good()) c = ds->putAndInsertUint16(DCM_PlanarConfiguration, 0);
    if (c.bad())
      return Status::Error(ErrorCode::kInternal, std::string("cannot update Image Pixel module: ") + ConditionText(c));
  }
  // PS3.3 C.7.6.1.1.5: once lossy, always marked lossy.
  if (m.lossy_source && !ds->tagExists(DCM_LossyImageCompression))
    ds->putAndInsertString(DCM_LossyImageCompression, "01");
  // Pixel Data put from memory has no original encoding: DCMTK moves the
  // dataset's transfer syntax to Explicit VR Little Endian (what Serialize
  // then writes, meta header included).
  ds->updateOriginalXfer();
  if (ds->getOriginalXfer() != EXS_LittleEndianExplicit)
    return Status::Error(ErrorCode::kInternal, "transfer syntax not Explicit VR Little Endian after writing pixels");
  return Status::Ok();
}

}  // namespace rwd
