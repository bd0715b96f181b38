#include "core/pixel_data_check.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <cstdlib>
#include <string>

namespace rwd {
namespace {

Status Malformed(const std::string& why) { return Status::Error(ErrorCode::kTruncated, "malformed: " + why); }

// An unsigned value of the header; 0 when absent or unreadable.
uint64_t UnsignedValue(DcmItem& item, const DcmTagKey& tag) {
  Uint16 v16 = 0;
  if (item.findAndGetUint16(tag, v16).good()) return v16;
  OFString s;
  if (item.findAndGetOFString(tag, s).good()) {
    const long v = std::strtol(s.c_str(), nullptr, 10);
    return v > 0 ? static_cast<uint64_t>(v) : 0;
  }
  return 0;
}

}  // namespace

Status CheckPixelData(DcmItem& header, E_TransferSyntax xfer, const PixelDataEncoding& pixels) {
  if (!pixels.present) return Status::Ok();
  const bool encapsulated = DcmXfer(xfer).isEncapsulated();
  if (encapsulated) {
    if (!pixels.undefined_length)
      return Malformed("encapsulated transfer syntax but Pixel Data (7FE0,0010) has no item structure");
    return Status::Ok();  // the items themselves are checked by whoever reads them
  }
  if (pixels.undefined_length)
    return Malformed("native transfer syntax but Pixel Data (7FE0,0010) has an undefined length");
  if (pixels.length % 2 != 0) return Malformed("Pixel Data (7FE0,0010) has an odd length");
  const uint64_t rows = UnsignedValue(header, DCM_Rows), columns = UnsignedValue(header, DCM_Columns);
  const uint64_t bits = UnsignedValue(header, DCM_BitsAllocated);
  if (rows == 0 || columns == 0 || bits == 0)
    return Malformed("Pixel Data (7FE0,0010) without Rows (0028,0010), Columns (0028,0011) or Bits Allocated (0028,0100)");
  uint64_t samples = UnsignedValue(header, DCM_SamplesPerPixel);
  uint64_t frames = UnsignedValue(header, DCM_NumberOfFrames);
  if (samples == 0) samples = 1;
  if (frames == 0) frames = 1;
  // Chroma-subsampled native encodings (PS3.3 C.7.6.3.1.2): YBR_FULL_422
  // and YBR_PARTIAL_422 store two samples per pixel on average.
  OFString photometric;
  if (header.findAndGetOFString(DCM_PhotometricInterpretation, photometric).good() &&
      photometric.find("_422") != OFString_npos && samples == 3)
    samples = 2;
  // 16-bit rows and columns, small samples: no overflow before the frames.
  const uint64_t frame_bits = rows * columns * samples * bits;
  if (frames > (UINT64_MAX / frame_bits))
    return Malformed("Number of Frames (0028,0008) too large for Pixel Data (7FE0,0010)");
  const uint64_t needed = (frame_bits * frames + 7) / 8;
  if (pixels.length < needed)
    return Malformed("Pixel Data (7FE0,0010) shorter than Rows x Columns x Samples per Pixel x Bits Allocated x "
                     "Number of Frames (" + std::to_string(pixels.length) + " < " + std::to_string(needed) + " bytes)");
  return Status::Ok();
}

}  // namespace rwd
