// The DICOM facade: what it accepts, what it refuses, and that the fast
// header-only path writes exactly what a full parse would.
#include <doctest/doctest.h>

#include <random>

#include "core/dicom_file.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;

namespace {
const std::string kPyd = RWD_PYDICOM_TEST_FILES;

std::vector<uint8_t> Flatten(const SerializedFile& s) {
  std::vector<uint8_t> v = s.head;
  v.insert(v.end(), s.tail.begin(), s.tail.end());
  return v;
}
}  // namespace

TEST_CASE("not DICOM, empty and truncated inputs are refused with a code, never a crash") {
  CHECK(DicomFile::Parse({}).status().code() == ErrorCode::kEmptyFile);
  const std::string text = "hello, this is not a DICOM file at all, just some text that goes on";
  CHECK(DicomFile::Parse(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()))
            .status()
            .code() == ErrorCode::kNotDicom);
  auto bytes = ReadBytes(kPyd + "/CT_small.dcm");
  for (size_t cut : {bytes.size() / 2, bytes.size() - 1, size_t{200}, size_t{140}}) {
    std::vector<uint8_t> part(bytes.begin(), bytes.begin() + cut);
    for (bool defer : {false, true}) {
      auto r = DicomFile::Parse(part, {defer});
      CHECK_MESSAGE(!r.ok(), "cut at ", cut);
      if (!r.ok()) CHECK(r.status().code() == ErrorCode::kTruncated);
    }
  }
}

TEST_CASE("files without preamble and in big endian parse") {
  for (const char* f : {"/ExplVR_LitEndNoMeta.dcm", "/MR_small_bigendian.dcm", "/MR_small_implicit.dcm"}) {
    auto r = DicomFile::Parse(ReadBytes(kPyd + f));
    CHECK_MESSAGE(r.ok(), f);
  }
}

TEST_CASE("the header-only fast path writes the same bytes as a full parse") {
  int deferred = 0;
  for (const char* f : {"/CT_small.dcm", "/MR_small.dcm", "/MR_small_implicit.dcm", "/MR_small_bigendian.dcm",
                        "/JPEG2000.dcm", "/MR_small_RLE.dcm", "/rtdose.dcm", "/image_dfl.dcm", "/ExplVR_LitEndNoMeta.dcm"}) {
    CAPTURE(f);
    const auto bytes = ReadBytes(kPyd + f);
    auto full = DicomFile::Parse(bytes);
    auto fast = DicomFile::Parse(bytes, {true});
    REQUIRE(full.ok());
    REQUIRE(fast.ok());
    CHECK_FALSE(full->pixel_data_deferred());
    if (fast->pixel_data_deferred()) ++deferred;

    full->dataset().SetString({0x0010, 0x0010}, "CHANGED^NAME");
    fast->dataset().SetString({0x0010, 0x0010}, "CHANGED^NAME");
    auto a = full->SerializeParts(), b = fast->SerializeParts();
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(Flatten(*a) == Flatten(*b));
  }
  // The deflated file and files with elements after Pixel Data (CT_small,
  // MR_small: trailing padding) must be parsed whole; the others are deferred.
  CHECK(deferred >= 4);
}

TEST_CASE("private creators are resolved per item during a walk") {
  auto r = DicomFile::Parse(ReadBytes(kPyd + "/CT_small.dcm"));
  REQUIRE(r.ok());
  int private_elements = 0;
  r->dataset().Walk([&](ElementRef& e) {
    if (e.tag().IsPrivate() && e.tag().element > 0xFF) {
      ++private_elements;
      CHECK_FALSE(e.private_creator().empty());
    }
    return DicomItem::Visit::kKeep;
  });
  CHECK(private_elements > 0);
}

TEST_CASE("corrupted bytes and absurd lengths never crash the parser") {
  const auto original = ReadBytes(kPyd + "/CT_small.dcm");
  std::mt19937 rng(42);
  int refused = 0;
  for (int i = 0; i < 300; ++i) {
    auto b = original;
    // Mostly header bytes: that is where lengths and VRs live.
    for (int k = 0; k < 4; ++k) {
      const size_t at = 132 + rng() % 2000;
      if (i % 3 == 0 && at + 4 < b.size()) {
        b[at] = 0xF0, b[at + 1] = 0xFF, b[at + 2] = 0xFF, b[at + 3] = 0x7F;  // an absurd length
      } else {
        b[at] = static_cast<uint8_t>(rng());
      }
    }
    for (bool defer : {false, true}) {
      auto r = DicomFile::Parse(b, {defer});
      if (!r.ok()) {
        ++refused;
        continue;
      }
      (void)r->SerializeParts();
    }
  }
  CHECK(refused > 0);
}
