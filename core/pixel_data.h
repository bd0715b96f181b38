#pragma once
// The pixels of a DicomFile, decoded: every frame in one native buffer,
// whatever the transfer syntax they were stored in, and the way back.
//
// Decoding (PS3.5 8 and Annex A.4): native (any VR encoding and byte order),
// Deflated, RLE, JPEG baseline/extended/lossless (DCMTK dcmjpeg), JPEG-LS
// (DCMTK dcmjpls) and JPEG 2000 (OpenJPEG). The buffer is always
// colour-by-pixel, little endian (host order, x86/ARM), one sample in 1, 2 or
// 4 bytes; YBR_FULL, YBR_FULL_422, YBR_RCT and YBR_ICT are converted to RGB,
// colour-by-plane to colour-by-pixel and 1-bit data to one byte per pixel, so
// that what a caller fills is what a viewer shows.
//
// Writing back is lossless and uncompressed: the Pixel Data becomes native
// and the object's transfer syntax Explicit VR Little Endian (whatever it was
// read in); Photometric Interpretation / Planar Configuration follow the
// buffer when it was converted. Nothing is re-compressed.
//
// Not thread-safe; distinct objects may be used from distinct threads.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/dicom_file.h"
#include "core/status.h"

namespace rwd {

// How the samples of the decoded buffer are to be read.
enum class ColorModel { kMonochrome1, kMonochrome2, kRgb, kPaletteColor };

// PS3.3 C.7.6.3.1.5-6: a (non-segmented) Palette Color Lookup Table.
struct PaletteLut {
  int first_mapped = 0;                    // the stored value mapped to entry 0
  int bits = 8;                            // bits per entry: 8 or 16
  std::vector<uint16_t> red, green, blue;  // same size, >= 1 entry
};

class PixelData {
 public:
  // True when the dataset has Pixel Data (7FE0,0010) at its top level,
  // parsed or deferred (ParseOptions::defer_pixel_data).
  static bool Present(const DicomFile& file);

  // Decodes every frame. `file` is not changed (codecs work on a copy).
  // Deferred Pixel Data is decoded from the caller's buffer it points into
  // (native little endian without a parse; otherwise DCMTK reads just that
  // element), with the Image Pixel attributes of the parsed header.
  // Errors: kInvalidArgument (no Pixel Data, or an Image Pixel module that
  // does not describe it), kUnsupportedTransferSyntax (no decoder for the
  // transfer syntax, a layout it does not handle, or the codec failed); the
  // message names the transfer syntax and what failed, never a value.
  static Result<PixelData> Decode(const DicomFile& file);
  // As Decode, but native pixels stored as the buffer keeps them (the usual
  // uncompressed CT and MR) are read in place, not copied: the result must
  // not outlive `file` (nor, for a header-only parse, the buffer it was
  // parsed from) or a change to its Pixel Data. The non-const frame()
  // copies them first. For looking, not cleaning (the screener).
  static Result<PixelData> DecodeView(const DicomFile& file);

  PixelData(PixelData&&) noexcept;
  PixelData& operator=(PixelData&&) noexcept;
  ~PixelData();

  int rows() const;
  int columns() const;
  int frames() const;
  int samples_per_pixel() const;  // 1 or 3
  // Bits per sample in the buffer: 8, 16 or 32 (1-bit data is unpacked to 8).
  int bits_allocated() const;
  int bits_stored() const;  // of the meaningful low bits of each sample
  bool is_signed() const;   // PixelRepresentation 1: two's complement
  ColorModel color_model() const;
  // Only for kPaletteColor.
  const PaletteLut& palette() const;
  // The transfer syntax UID the pixels were read in, e.g. for findings.
  const std::string& source_transfer_syntax() const;
  // True when the buffer layout differs from the stored one (colour space,
  // planar configuration): WriteTo then updates the Image Pixel module.
  bool layout_converted() const;

  size_t bytes_per_sample() const;
  size_t frame_size() const;  // bytes of one frame in the buffer
  std::span<uint8_t> frame(int index);
  std::span<const uint8_t> frame(int index) const;

  // Replaces the Pixel Data of `file` with this buffer (see the top of this
  // file). REQUIRES: `file` is the object this was decoded from.
  Status WriteTo(DicomFile& file) const;

 private:
  struct Impl;
  explicit PixelData(std::unique_ptr<Impl> impl);
  static Result<PixelData> DecodeImpl(const DicomFile& file, bool in_place);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rwd
