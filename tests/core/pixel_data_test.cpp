// PixelData: every transfer syntax and pixel layout in Debian's test data is
// decoded to the same values as its uncompressed twin, and written back
// losslessly, uncompressed, with a transfer syntax that matches the bytes.
#include "core/pixel_data.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/dicom_file.h"
#include "tests/core/dicom_test_files.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;

namespace {

constexpr const char* kExplicitLittle = "1.2.840.10008.1.2.1";

std::vector<uint8_t> AllFrames(const PixelData& p) {
  std::vector<uint8_t> all;
  for (int f = 0; f < p.frames(); ++f) all.insert(all.end(), p.frame(f).begin(), p.frame(f).end());
  return all;
}
std::vector<uint8_t> Decoded(const std::string& path) { return AllFrames(DecodeFile(path)); }

double MeanAbsDiff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  REQUIRE(a.size() == b.size());
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(int(a[i]) - int(b[i]));
  return sum / static_cast<double>(a.size());
}

// Decode, change a box in the last frame, WriteTo, Serialize, Parse, Decode:
// exactly the changed buffer comes back, in Explicit VR Little Endian.
void CheckRoundTrip(const std::string& path) {
  CAPTURE(path);
  DicomFile file = LoadDicom(path);
  PixelData p = DecodeOk(file, path);
  const bool converted = p.layout_converted();
  const int bw = std::min(5, p.columns()), bh = std::min(3, p.rows());
  const size_t pixel = p.samples_per_pixel() * p.bytes_per_sample();
  const uint8_t value = p.bits_stored() == 1 ? 1 : 0xA5;  // unpacked 1-bit data holds 0 or 1
  auto frame = p.frame(p.frames() - 1);
  for (int y = 0; y < bh; ++y) std::memset(frame.data() + y * p.columns() * pixel, value, bw * pixel);
  const std::vector<uint8_t> expected = AllFrames(p);

  REQUIRE(p.WriteTo(file).ok());
  auto bytes = file.Serialize();
  REQUIRE(bytes.ok());
  DicomFile again = ParseOk(*bytes, "rewritten " + path);
  const std::string ts_after = again.transfer_syntax_uid();
  CHECK(ts_after == kExplicitLittle);
  PixelData q = DecodeOk(again, "rewritten " + path);
  CHECK_FALSE(q.layout_converted());
  CHECK(q.rows() == p.rows());
  CHECK(q.frames() == p.frames());
  CHECK(q.color_model() == p.color_model());
  CHECK(AllFrames(q) == expected);
  if (converted) {
    CHECK(again.dataset().GetString({0x0028, 0x0004}).value_or("") == "RGB");
    CHECK(again.dataset().GetString({0x0028, 0x0006}).value_or("") == "0");
  }
}

}  // namespace

TEST_CASE("every layout decodes with the geometry its header declares") {
  struct Expect {
    std::string path;
    int rows, columns, frames, spp, bits;
    ColorModel model;
  };
  const std::vector<Expect> cases = {
      {Pydicom("CT_small.dcm"), 128, 128, 1, 1, 16, ColorModel::kMonochrome2},
      {Pydicom("693_J2KI.dcm"), 512, 512, 1, 1, 16, ColorModel::kMonochrome2},
      {Pydicom("J2K_pixelrep_mismatch.dcm"), 512, 512, 1, 1, 16, ColorModel::kMonochrome2},
      {Pydicom("GDCMJ2K_TextGBR.dcm"), 400, 400, 1, 3, 8, ColorModel::kRgb},  // JP2 file, YBR_RCT
      {Pydicom("JPEG-lossy.dcm"), 1024, 256, 1, 1, 16, ColorModel::kMonochrome2},
      {Pydicom("JPEG2000.dcm"), 1024, 256, 1, 1, 16, ColorModel::kMonochrome2},
      {Pydicom("SC_rgb_dcmtk_+eb+cy+np.dcm"), 100, 100, 1, 3, 8, ColorModel::kRgb},  // JPEG YBR_FULL_422
      {Pydicom("SC_ybr_full_422_uncompressed.dcm"), 100, 100, 1, 3, 8, ColorModel::kRgb},
      {Pydicom("SC_rgb_rle_16bit_2frame.dcm"), 100, 100, 2, 3, 16, ColorModel::kRgb},
      {Pydicom("SC_rgb_rle_32bit_2frame.dcm"), 100, 100, 2, 3, 32, ColorModel::kRgb},
      {Pydicom("ExplVR_BigEnd.dcm"), 60, 80, 1, 3, 8, ColorModel::kRgb},
      {Pydicom("image_dfl.dcm"), 512, 512, 1, 1, 8, ColorModel::kMonochrome2},     // deflated
      {Pydicom("liver_1frame.dcm"), 512, 512, 1, 1, 8, ColorModel::kMonochrome2},  // 1-bit
      {Pydicom("rtdose.dcm"), 10, 10, 15, 1, 32, ColorModel::kMonochrome2},
      {Octave("US-PAL-8-10x-echo.dcm"), 430, 600, 10, 1, 8, ColorModel::kPaletteColor},
      {Octave("CT-MONO2-16-ankle.dcm"), 512, 512, 1, 1, 16, ColorModel::kMonochrome2},
      {Octave("simple-test.dcm"), 10, 5, 1, 1, 8, ColorModel::kMonochrome1},
  };
  for (const Expect& e : cases) {
    CAPTURE(e.path);
    PixelData p = DecodeOk(LoadDicom(e.path), e.path);
    CHECK(p.rows() == e.rows);
    CHECK(p.columns() == e.columns);
    CHECK(p.frames() == e.frames);
    CHECK(p.samples_per_pixel() == e.spp);
    CHECK(p.bits_allocated() == e.bits);
    CHECK(p.color_model() == e.model);
    CHECK(p.frame_size() == size_t(e.rows) * e.columns * e.spp * (e.bits / 8));
  }
}

TEST_CASE("lossless transfer syntaxes decode to the same values as the uncompressed original") {
  const std::vector<uint8_t> mr = Decoded(Pydicom("MR_small.dcm"));
  for (const char* twin : {"MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_expb.dcm", "MR_small_implicit.dcm",
                           "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_padded.dcm"}) {
    CAPTURE(twin);
    CHECK(Decoded(Pydicom(twin)) == mr);
  }
  const std::vector<uint8_t> dose = Decoded(Pydicom("rtdose.dcm"));
  CHECK(Decoded(Pydicom("rtdose_expb.dcm")) == dose);  // 32-bit big endian
  CHECK(Decoded(Pydicom("rtdose_rle.dcm")) == dose);
  const std::vector<uint8_t> rgb = Decoded(Pydicom("SC_rgb_rle.dcm"));
  CHECK(Decoded(Pydicom("SC_rgb_jpeg_gdcm.dcm")) == rgb);  // JPEG lossless
  CHECK(Decoded(Pydicom("SC_rgb_gdcm_KY.dcm")) == rgb);    // JPEG 2000
  CHECK(Decoded(Pydicom("liver_expb_1frame.dcm")) == Decoded(Pydicom("liver_1frame.dcm")));
  CHECK(Decoded(Pydicom("JPEG-lossy.dcm")) == Decoded(Pydicom("JPGExtended.dcm")));
}

TEST_CASE("YCbCr is converted to RGB so what is filled is what is shown") {
  const std::vector<uint8_t> rgb = Decoded(Pydicom("SC_rgb_rle.dcm"));
  for (const char* ybr :
       {"SC_ybr_full_422_uncompressed.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm", "SC_rgb_dcmtk_+eb+cy+n1.dcm",
        "SC_rgb_dcmtk_+eb+cy+s4.dcm", "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_dcmtk_+eb+cr.dcm"}) {
    CAPTURE(ybr);
    PixelData p = DecodeOk(LoadDicom(Pydicom(ybr)), ybr);
    CHECK(p.color_model() == ColorModel::kRgb);
    CHECK(MeanAbsDiff(AllFrames(p), rgb) < 4.0);  // lossy JPEG and chroma subsampling
  }
  CHECK(DecodeOk(LoadDicom(Pydicom("SC_ybr_full_422_uncompressed.dcm")), "422").layout_converted());
}

TEST_CASE("the palette of a PALETTE COLOR image is read with the pixels") {
  PixelData p = DecodeOk(LoadDicom(Octave("US-PAL-8-10x-echo.dcm")), "palette");
  const PaletteLut& lut = p.palette();
  CHECK(lut.red.size() == 256);
  CHECK(lut.green.size() == lut.red.size());
  CHECK(lut.blue.size() == lut.red.size());
  int bright = 0;
  for (size_t i = 0; i < lut.red.size(); ++i) bright += lut.red[i] + lut.green[i] + lut.blue[i] > 0;
  CHECK(bright > 100);
}

TEST_CASE("writing back is lossless, uncompressed, and updates the layout attributes") {
  for (const std::string& path : {Pydicom("CT_small.dcm"),
                                  Pydicom("MR_small_RLE.dcm"),
                                  Pydicom("MR_small_bigendian.dcm"),
                                  Pydicom("MR_small_implicit.dcm"),
                                  Pydicom("MR_small_jp2klossless.dcm"),
                                  Pydicom("MR_small_jpeg_ls_lossless.dcm"),
                                  Pydicom("693_J2KI.dcm"),
                                  Pydicom("GDCMJ2K_TextGBR.dcm"),
                                  Pydicom("JPEG-lossy.dcm"),
                                  Pydicom("SC_rgb_dcmtk_+eb+cy+np.dcm"),
                                  Pydicom("SC_ybr_full_422_uncompressed.dcm"),
                                  Pydicom("SC_rgb_rle_2frame.dcm"),
                                  Pydicom("SC_rgb_rle_16bit_2frame.dcm"),
                                  Pydicom("ExplVR_BigEnd.dcm"),
                                  Pydicom("image_dfl.dcm"),
                                  Pydicom("liver_1frame.dcm"),
                                  Pydicom("rtdose_expb.dcm"),
                                  Octave("US-PAL-8-10x-echo.dcm"),
                                  Octave("CT-MONO2-16-ankle.dcm"),
                                  Octave("simple-test.dcm")})
    CheckRoundTrip(path);
}

TEST_CASE("a lossy original stays marked lossy after it is written uncompressed") {
  DicomFile file = LoadDicom(Pydicom("SC_rgb_jpeg_lossy_gdcm.dcm"));
  file.dataset().Remove({0x0028, 0x2110});
  PixelData p = DecodeOk(file, "lossy");
  REQUIRE(p.WriteTo(file).ok());
  CHECK(file.dataset().GetString({0x0028, 0x2110}).value_or("") == "01");
}

TEST_CASE("a transfer syntax without a decoder, or a broken codestream, is an error, not a guess") {
  // RLE pixels presented as MPEG-2: DCMTK parses them but has no decoder.
  auto mpeg = DicomFile::Parse(WithTransferSyntax(ReadBytes(Pydicom("MR_small_RLE.dcm")), "1.2.840.10008.1.2.4.100"));
  REQUIRE(mpeg.ok());
  auto p = PixelData::Decode(*mpeg);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == ErrorCode::kUnsupportedTransferSyntax);
  CHECK(p.status().message().find("MPEG2") != std::string::npos);
  // JPEG-LS fragments presented as JPEG 2000: OpenJPEG refuses them.
  auto j2k = DicomFile::Parse(
      WithTransferSyntax(ReadBytes(Pydicom("MR_small_jpeg_ls_lossless.dcm")), "1.2.840.10008.1.2.4.90"));
  REQUIRE(j2k.ok());
  auto q = PixelData::Decode(*j2k);
  REQUIRE_FALSE(q.ok());
  CHECK(q.status().code() == ErrorCode::kUnsupportedTransferSyntax);
  // A truncated JPEG 2000 codestream.
  auto cut = PixelData::Decode(LoadDicom(Pydicom("JPEG2000-embedded-sequence-delimiter.dcm")));
  CHECK_FALSE(cut.ok());
}

TEST_CASE("objects without pixel data say so") {
  DicomFile sr = LoadDicom(Pydicom("test-SR.dcm"));
  CHECK_FALSE(PixelData::Present(sr));
  auto p = PixelData::Decode(sr);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == ErrorCode::kInvalidArgument);
  CHECK(PixelData::Present(LoadDicom(Pydicom("CT_small.dcm"))));
}

TEST_CASE("files other encoders compress decode to the values of the original") {
  // DCMTK's and GDCM's command-line encoders, when installed.
  TempDir tmp;
  const std::string ct = Octave("CT-MONO2-16-ankle.dcm");
  const std::vector<uint8_t> original = Decoded(ct);
  struct Tool {
    std::string name, command;
  };
  const std::vector<Tool> tools = {
      {"JPEG lossless SV1", "dcmcjpeg +e1 " + Quote(ct) + " " + Quote(tmp.File("jpeg.dcm"))},
      {"JPEG-LS lossless", "dcmcjpls " + Quote(ct) + " " + Quote(tmp.File("jls.dcm"))},
      {"RLE", "dcmcrle " + Quote(ct) + " " + Quote(tmp.File("rle.dcm"))},
      {"Deflated", "dcmconv +td " + Quote(ct) + " " + Quote(tmp.File("dfl.dcm"))},
      {"Big endian", "dcmconv +tb " + Quote(ct) + " " + Quote(tmp.File("be.dcm"))},
      {"JPEG 2000 (GDCM)", "gdcmconv --j2k " + Quote(ct) + " " + Quote(tmp.File("j2k.dcm"))},
  };
  const std::vector<std::string> outputs = {"jpeg.dcm", "jls.dcm", "rle.dcm", "dfl.dcm", "be.dcm", "j2k.dcm"};
  int ran = 0;
  for (size_t i = 0; i < tools.size(); ++i) {
    CAPTURE(tools[i].name);
    CommandResult r = RunShell(tools[i].command);
    if (r.exit_code != 0) {
      MESSAGE("skipped (encoder not available): ", tools[i].name);
      continue;
    }
    ++ran;
    CHECK(Decoded(tmp.File(outputs[i])) == original);
  }
  CHECK(ran >= 5);
  // A multi-frame palette cine, re-encoded frame by frame.
  const std::string us = Octave("US-PAL-8-10x-echo.dcm");
  if (RunShell("dcmdrle " + Quote(us) + " " + Quote(tmp.File("us.dcm"))).exit_code == 0)
    CHECK(Decoded(tmp.File("us.dcm")) == Decoded(us));
}

TEST_CASE("pixels deferred by the header-only parse decode to exactly the pixels of a full parse") {
  // Screening decodes from the deferred bytes (no second parse of the
  // original): native little and big endian, implicit VR, 1-bit, 32-bit,
  // palette, RLE, JPEG, JPEG-LS and JPEG 2000 must all come out the same.
  ParseOptions defer;
  defer.defer_pixel_data = true;
  int deferred = 0, native = 0;
  for (const std::string& path :
       {Pydicom("MR_small_implicit.dcm"), Pydicom("MR_small_bigendian.dcm"), Pydicom("MR_small_expb.dcm"),
        Pydicom("MR_small_RLE.dcm"), Pydicom("MR_small_jpeg_ls_lossless.dcm"), Pydicom("MR_small_jp2klossless.dcm"),
        Pydicom("rtdose.dcm"), Pydicom("rtdose_expb.dcm"), Pydicom("liver_1frame.dcm"), Pydicom("liver_expb_1frame.dcm"),
        Pydicom("ExplVR_BigEnd.dcm"), Pydicom("SC_rgb_rle_16bit_2frame.dcm"), Pydicom("SC_rgb_jpeg_gdcm.dcm"),
        Pydicom("SC_rgb_gdcm_KY.dcm"), Pydicom("JPEG-lossy.dcm"), Pydicom("JPEG2000.dcm"),
        Pydicom("SC_ybr_full_422_uncompressed.dcm"), Octave("US-PAL-8-10x-echo.dcm"), Octave("CT-MONO2-16-ankle.dcm")}) {
    CAPTURE(path);
    const std::vector<uint8_t> bytes = ReadBytes(path);
    auto fast = DicomFile::Parse(bytes, defer);
    REQUIRE(fast.ok());
    if (!fast->pixel_data_deferred()) continue;  // parsed whole: nothing new to check
    ++deferred;
    native += fast->transfer_syntax_uid().rfind("1.2.840.10008.1.2", 0) == 0 && fast->transfer_syntax_uid().size() <= 19;
    CHECK(PixelData::Present(*fast));
    const PixelData whole = DecodeFile(path);
    const PixelData quick = DecodeOk(*fast, "deferred " + path);
    CHECK(quick.rows() == whole.rows());
    CHECK(quick.columns() == whole.columns());
    CHECK(quick.frames() == whole.frames());
    CHECK(quick.bits_allocated() == whole.bits_allocated());
    CHECK(quick.color_model() == whole.color_model());
    CHECK(quick.source_transfer_syntax() == whole.source_transfer_syntax());
    CHECK(AllFrames(quick) == AllFrames(whole));
  }
  CHECK(deferred >= 12);  // most of these end with their Pixel Data
  CHECK(native >= 5);     // the uncompressed ones take the no-parse path
}

TEST_CASE("pixels read in place (DecodeView) are the decoded pixels; writing to them copies first") {
  // The screener looks at uncompressed frames where they lie in the file's
  // buffer. Every layout gives what Decode gives, from a full or a
  // header-only parse; a writable frame is a copy the file does not see.
  ParseOptions defer;
  defer.defer_pixel_data = true;
  int checked = 0;
  for (const std::string& path :
       {Pydicom("CT_small.dcm"), Pydicom("MR_small.dcm"), Pydicom("MR_small_implicit.dcm"),
        Pydicom("MR_small_bigendian.dcm"), Pydicom("MR_small_RLE.dcm"), Pydicom("rtdose.dcm"), Pydicom("liver_1frame.dcm"),
        Pydicom("SC_rgb_rle_16bit_2frame.dcm"), Pydicom("SC_ybr_full_422_uncompressed.dcm"), Pydicom("JPEG2000.dcm"),
        Octave("US-PAL-8-10x-echo.dcm"), Octave("CT-MONO2-16-ankle.dcm")}) {
    for (bool deferred : {false, true}) {
      CAPTURE(path);
      CAPTURE(deferred);
      const std::vector<uint8_t> bytes = ReadBytes(path);
      auto file = deferred ? DicomFile::Parse(bytes, defer) : DicomFile::Parse(bytes);
      REQUIRE(file.ok());
      const PixelData whole = DecodeFile(path);
      auto view = PixelData::DecodeView(*file);
      REQUIRE(view.ok());
      CHECK(view->rows() == whole.rows());
      CHECK(view->frames() == whole.frames());
      CHECK(view->color_model() == whole.color_model());
      CHECK(view->layout_converted() == whole.layout_converted());
      CHECK(AllFrames(*view) == AllFrames(whole));
      ++checked;
    }
  }
  CHECK(checked == 24);
  // Writable frames: the change is the copy's; the file's pixels stay.
  DicomFile file = LoadDicom(Pydicom("CT_small.dcm"));
  auto view = PixelData::DecodeView(file);
  REQUIRE(view.ok());
  const std::vector<uint8_t> before = AllFrames(*view);
  std::memset(view->frame(0).data(), 0x5A, 64);
  CHECK(AllFrames(*view) != before);
  CHECK(AllFrames(DecodeOk(file, "CT_small.dcm after")) == before);
  // And written back, the change is in the file.
  REQUIRE(view->WriteTo(file).ok());
  CHECK(AllFrames(DecodeOk(file, "CT_small.dcm written")) == AllFrames(*view));
}
