// The pre-scan that refuses what would crash DCMTK's recursive reader
// (issue 15, defect 1) or make it allocate what the file does not hold.
#include <doctest/doctest.h>

#include "core/dicom_file.h"
#include "core/nesting_scan.h"
#include "core/utf8.h"
#include "tests/core/dicom_test_files.h"
#include "tests/support/dicom_bytes.h"

namespace rwd {
namespace {
using namespace rwd::testing;

Bytes ObjectWith(const Bytes& after_ids, const std::string& ts = "1.2.840.10008.1.2.1") {
  SyntheticIds id;
  Bytes b = Part10Header(id.sop_class, id.sop_instance, ts);
  Bytes ds = IdentifyingElements(id);
  Append(ds, after_ids);
  Append(b, ds);
  return b;
}

TEST_CASE("issue 15 defect 1: 6,000 nested sequences are refused with a reason, not a crash") {
  const Bytes file = ObjectWith(NestedSequences(6000));
  const Status s = CheckNestingDepth(file);
  CHECK(s.code() == ErrorCode::kTruncated);
  CHECK(s.message().find("nested deeper than 128") != std::string::npos);
  for (bool defer : {false, true}) {
    ParseOptions o;
    o.defer_pixel_data = defer;
    auto parsed = DicomFile::Parse(file, o);  // without the scan: SIGSEGV in DCMTK
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message().find("nested deeper") != std::string::npos);
  }
}

TEST_CASE("nesting at the limit parses; one level more is refused") {
  CHECK(CheckNestingDepth(ObjectWith(NestedSequences(kMaxParseNesting))).ok());
  CHECK(DicomFile::Parse(ObjectWith(NestedSequences(kMaxParseNesting))).ok());
  CHECK_FALSE(CheckNestingDepth(ObjectWith(NestedSequences(kMaxParseNesting + 1))).ok());
}

TEST_CASE("deep nesting is found in implicit VR, inside UN, and without a meta header") {
  // Implicit VR Little Endian: the same structure without VRs.
  Bytes implicit_nest;
  for (int i = 0; i < 500; ++i) {
    Put16(implicit_nest, 0x0040);
    Put16(implicit_nest, 0xA730);
    Put32(implicit_nest, 0xFFFFFFFFu);
    Append(implicit_nest, ItemHeader(0xFFFFFFFFu));
  }
  SyntheticIds id;
  Bytes implicit_file = Part10Header(id.sop_class, id.sop_instance, "1.2.840.10008.1.2");
  Bytes ids;  // implicit: tag, 32-bit length, value
  for (auto [g, e, v] : {std::tuple<uint16_t, uint16_t, std::string>{0x0008, 0x0018, id.sop_instance + "\0"}}) {
    Put16(ids, g);
    Put16(ids, e);
    Put32(ids, static_cast<uint32_t>(v.size()));
    ids.insert(ids.end(), v.begin(), v.end());
  }
  Append(implicit_file, ids);
  Append(implicit_file, implicit_nest);
  CHECK_FALSE(CheckNestingDepth(implicit_file).ok());
  CHECK_FALSE(DicomFile::Parse(implicit_file).ok());

  // Explicit VR UN with undefined length: DCMTK reads it as an implicit sequence.
  Bytes un = ElementHeader(0x0011, 0x1010, "UN", 0xFFFFFFFFu);
  Append(un, ItemHeader(0xFFFFFFFFu));
  Append(un, implicit_nest);
  CHECK_FALSE(CheckNestingDepth(ObjectWith(un)).ok());

  // No preamble, no meta: the parser guesses the encoding.
  Bytes bare = IdentifyingElements(id);
  Append(bare, NestedSequences(1000));
  CHECK_FALSE(CheckNestingDepth(bare).ok());
  CHECK_FALSE(DicomFile::Parse(bare).ok());
}

TEST_CASE("a value whose length runs past the end is refused before DCMTK allocates it") {
  Bytes huge = ElementHeader(0x0008, 0x1030, "UT", 0xFFFFFFF0u);  // StudyDescription, 4 GiB claimed
  huge.insert(huge.end(), {'A', 'B', 'C', 'D'});
  const Status s = CheckNestingDepth(ObjectWith(huge));
  CHECK(s.code() == ErrorCode::kTruncated);
  CHECK(s.message().find("(0008,1030)") != std::string::npos);
  auto parsed = DicomFile::Parse(ObjectWith(huge));
  CHECK_FALSE(parsed.ok());
  CHECK(IsValidUtf8(parsed.status().message()));
}

TEST_CASE("the scan accepts every real Debian test file that DCMTK reads") {
  for (const char* name : {"CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm",
                           "ExplVR_BigEndNoMeta.dcm", "ExplVR_LitEndNoMeta.dcm", "image_dfl.dcm",
                           "nested_priv_SQ.dcm", "priv_SQ.dcm", "UN_sequence.dcm", "test-SR.dcm", "rtplan.dcm",
                           "rtstruct.dcm", "JPEG2000.dcm", "SC_rgb_rle.dcm", "waveform_ecg.dcm"}) {
    const std::string path = Pydicom(name);
    CAPTURE(path);
    CHECK(CheckNestingDepth(ReadBytes(path)).ok());
  }
}

TEST_CASE("deflated objects are written whole (fuzzing found an empty dataset)") {
  const Bytes original = ReadBytes(Pydicom("image_dfl.dcm"));
  DicomFile f = ParseOk(original, "image_dfl.dcm");
  const std::string sop = f.dataset().GetString({0x0008, 0x0018}).value_or("");
  REQUIRE_FALSE(sop.empty());
  auto out = f.Serialize();
  REQUIRE(out.ok());
  DicomFile again = ParseOk(*out, "re-parsed deflated output");
  CHECK(again.transfer_syntax_uid() == "1.2.840.10008.1.2.1.99");
  CHECK(again.dataset().GetString({0x0008, 0x0018}).value_or("") == sop);
  CHECK(again.dataset().Has({0x7FE0, 0x0010}));
}


// Fuzzing: the meta header is bounded by (0002,0000) as DCMTK bounds it; group
// 0002 elements in the dataset after it (one naming Big Endian) do not change
// how the dataset is read.
TEST_CASE("the scan ends the meta header where its group length says, as DCMTK does") {
  SyntheticIds id;
  Bytes file = Part10Header(id.sop_class, id.sop_instance);  // Explicit VR Little Endian
  Append(file, Element(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.2"));  // in the dataset: not the meta's
  Append(file, IdentifyingElements(id));
  Append(file, Element(0x0008, 0x1030, "LO", "SYNTHETIC STUDY"));
  CHECK(CheckNestingDepth(file).ok());  // read as big endian, the lengths run past the end
  auto parsed = DicomFile::Parse(file);
  REQUIRE(parsed.ok());
  CHECK(parsed->transfer_syntax_uid() == "1.2.840.10008.1.2.1");
}

// A meta header whose first VR is not a VR is read by DCMTK as implicit VR, and
// an undefined-length element there as a sequence: its nesting counts too.
TEST_CASE("deep nesting inside an implicit-VR meta header is refused") {
  Bytes file(128, 0);
  file.insert(file.end(), {'D', 'I', 'C', 'M'});
  Put16(file, 0x0002);
  Put16(file, 0xFF00);
  Put32(file, 0xFFFFFFFFu);
  Append(file, ItemHeader(0xFFFFFFFFu));
  for (int i = 0; i < 400; ++i) {
    Put16(file, 0x0002);
    Put16(file, 0xFF00);
    Put32(file, 0xFFFFFFFFu);
    Append(file, ItemHeader(0xFFFFFFFFu));
  }
  const Status s = CheckNestingDepth(file);
  CHECK(s.code() == ErrorCode::kTruncated);
  CHECK(s.message().find("nested deeper") != std::string::npos);
}

// Fuzzing: (0002,0010) with a wrong VR is not used by DCMTK, which then reads
// the dataset in another syntax; the fast path judged Pixel Data against the
// UID and wrote the other syntax (native, undefined-length Pixel Data).
TEST_CASE("the fast path judges Pixel Data in the syntax it will write, like the full parse") {
  SyntheticIds id;
  Bytes meta;
  Append(meta, Element(0x0002, 0x0001, "OB", std::string("\0\1", 2), false));
  Append(meta, Element(0x0002, 0x0002, "UI", id.sop_class));
  Append(meta, Element(0x0002, 0x0003, "UI", id.sop_instance));
  Append(meta, Element(0x0002, 0x0010, "TM", "1.2.840.10008.1.2.4.91"));  // JPEG 2000, wrong VR
  Bytes file(128, 0);
  file.insert(file.end(), {'D', 'I', 'C', 'M'});
  Bytes gl = ElementHeader(0x0002, 0x0000, "UL", 4);
  Put32(gl, static_cast<uint32_t>(meta.size()));
  Append(file, gl);
  Append(file, meta);
  Append(file, IdentifyingElements(id));
  Append(file, ImagePixelModule(2, 2, 8));
  Append(file, ElementHeader(0x7FE0, 0x0010, "OB", 0xFFFFFFFFu));  // encapsulated pixels
  Append(file, ItemHeader(0));
  Append(file, ItemHeader(4));
  file.insert(file.end(), {1, 2, 3, 4});
  Append(file, SequenceDelimiter());
  ParseOptions fast;
  fast.defer_pixel_data = true;
  auto whole = DicomFile::Parse(file), header_only = DicomFile::Parse(file, fast);
  CHECK(whole.ok() == header_only.ok());
  if (header_only.ok()) {  // whatever is accepted must parse again once written
    auto out = header_only->Serialize();
    REQUIRE(out.ok());
    CHECK(DicomFile::Parse(*out).ok());
  } else {
    CHECK(header_only.status().message() == whole.status().message());
  }
}

}  // namespace
}  // namespace rwd
