// The header-only fast path applies the same Pixel Data checks as the full
// parse (issue 15, defect 9): a JPEG syntax with native bytes, odd or short
// native Pixel Data are refused by both.
#include <doctest/doctest.h>

#include "core/dicom_file.h"
#include "tests/support/dicom_bytes.h"

namespace rwd {
namespace {
using namespace rwd::testing;

Bytes Image(const std::string& ts, const Bytes& pixel_element, uint16_t rows = 8, uint16_t columns = 8) {
  SyntheticIds id;
  Bytes b = Part10Header(id.sop_class, id.sop_instance, ts);
  Append(b, IdentifyingElements(id));
  Append(b, ImagePixelModule(rows, columns, 16));
  Append(b, pixel_element);
  return b;
}

// Both parse paths give the same verdict; returns it.
Status BothPaths(const Bytes& file) {
  ParseOptions fast;
  fast.defer_pixel_data = true;
  auto a = DicomFile::Parse(file, fast);
  auto b = DicomFile::Parse(file);
  CHECK(a.ok() == b.ok());
  if (a.ok() || b.ok()) return Status::Ok();
  CHECK(a.status().code() == b.status().code());
  return a.status();
}

TEST_CASE("well-formed native pixel data passes both paths, and the fast path is taken") {
  const Bytes file = Image("1.2.840.10008.1.2.1", NativePixelData(8 * 8 * 2));
  CHECK(BothPaths(file).ok());
  ParseOptions fast;
  fast.defer_pixel_data = true;
  auto f = DicomFile::Parse(file, fast);
  REQUIRE(f.ok());
  CHECK(f->pixel_data_deferred());
}

TEST_CASE("a JPEG transfer syntax whose Pixel Data is native is refused by both paths") {
  const Status s = BothPaths(Image("1.2.840.10008.1.2.4.50", NativePixelData(8 * 8 * 2, "OB")));
  CHECK(s.code() == ErrorCode::kTruncated);
  CHECK(s.message().find("no item structure") != std::string::npos);
}

TEST_CASE("odd-length and short native Pixel Data are refused by both paths") {
  Status s = BothPaths(Image("1.2.840.10008.1.2.1", NativePixelData(8 * 8 * 2 - 1, "OB")));
  CHECK(s.code() == ErrorCode::kTruncated);
  CHECK(s.message().find("odd length") != std::string::npos);
  s = BothPaths(Image("1.2.840.10008.1.2.1", NativePixelData(8 * 8 * 2 - 16)));
  CHECK(s.code() == ErrorCode::kTruncated);
  CHECK(s.message().find("shorter than Rows x Columns") != std::string::npos);
  // Pixel Data without the Image Pixel module it needs.
  SyntheticIds id;
  Bytes bare = Part10Header(id.sop_class, id.sop_instance);
  Append(bare, IdentifyingElements(id));
  Append(bare, NativePixelData(128));
  CHECK(BothPaths(bare).code() == ErrorCode::kTruncated);
}

TEST_CASE("encapsulated Pixel Data with a broken item structure is refused") {
  // Basic offset table, then a fragment claiming more bytes than there are.
  Bytes px = ElementHeader(0x7FE0, 0x0010, "OB", 0xFFFFFFFFu);
  Append(px, ItemHeader(0));
  Append(px, ItemHeader(4000));
  px.insert(px.end(), 64, 0xFF);
  CHECK_FALSE(BothPaths(Image("1.2.840.10008.1.2.4.50", px)).ok());
  // No sequence delimiter at the end.
  Bytes open = ElementHeader(0x7FE0, 0x0010, "OB", 0xFFFFFFFFu);
  Append(open, ItemHeader(0));
  Append(open, ItemHeader(4));
  open.insert(open.end(), {0xFF, 0xD8, 0xFF, 0xD9});
  ParseOptions fast;
  fast.defer_pixel_data = true;
  auto f = DicomFile::Parse(Image("1.2.840.10008.1.2.4.50", open), fast);
  if (f.ok()) CHECK_FALSE(f->pixel_data_deferred());  // never written back raw when undelimited
}

}  // namespace
}  // namespace rwd
