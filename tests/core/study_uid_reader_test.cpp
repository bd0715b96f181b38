// ReadStudyInstanceUid: the header up to (0020,000D) only, for planning
// sharded runs; a long header is read whole, absurd nesting refused.
#include "core/study_uid_reader.h"

#include <doctest/doctest.h>

#include "tests/support/dicom_bytes.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;

namespace {
std::string Write(const TempDir& dir, const std::string& name, const Bytes& b) {
  WriteText(dir.File(name), std::string(b.begin(), b.end()));
  return dir.File(name);
}
}  // namespace

TEST_CASE("study UID: Part 10, no preamble, a header longer than the first read") {
  TempDir dir;
  SyntheticIds id;
  Bytes file = Part10Header(id.sop_class, id.sop_instance);
  Append(file, IdentifyingElements(id));
  Append(file, NativePixelData(64));
  auto uid = ReadStudyInstanceUid(Write(dir, "a.dcm", file));
  REQUIRE(uid.ok());
  CHECK(*uid == id.study);

  Bytes bare = IdentifyingElements(id);  // no preamble, no meta: implicit or explicit, DCMTK detects
  CHECK(ReadStudyInstanceUid(Write(dir, "b.dcm", bare)).value() == id.study);

  // A 200 KB private value before the study UID: beyond the 64 KB prefix.
  SyntheticIds other;
  other.study = "1.2.826.0.1.3680043.9.7156.3.2";
  Bytes long_header = Part10Header(other.sop_class, other.sop_instance);
  Append(long_header, Element(0x0008, 0x0016, "UI", other.sop_class));
  Append(long_header, Element(0x0008, 0x0018, "UI", other.sop_instance));
  Append(long_header, Element(0x0011, 0x0010, "LO", "RWD TEST"));              // private creator
  Append(long_header, Element(0x0011, 0x1000, "OB", std::string(200000, 'x')));  // its block
  Append(long_header, Element(0x0020, 0x000D, "UI", other.study));
  CHECK(ReadStudyInstanceUid(Write(dir, "c.dcm", long_header)).value() == other.study);
}

TEST_CASE("study UID: empty, not DICOM, no study UID, nested too deep") {
  TempDir dir;
  CHECK(ReadStudyInstanceUid(Write(dir, "empty", {})).status().code() == ErrorCode::kEmptyFile);
  const std::string text = "just some notes, not DICOM at all";
  CHECK(ReadStudyInstanceUid(Write(dir, "notes.txt", Bytes(text.begin(), text.end()))).status().code() ==
        ErrorCode::kNotDicom);
  CHECK(ReadStudyInstanceUid(dir.File("missing")).status().code() == ErrorCode::kIoError);
  SyntheticIds id;
  Bytes no_study = Part10Header(id.sop_class, id.sop_instance);
  Append(no_study, Element(0x0008, 0x0016, "UI", id.sop_class));
  Append(no_study, Element(0x0008, 0x0018, "UI", id.sop_instance));
  CHECK(ReadStudyInstanceUid(Write(dir, "no-study.dcm", no_study)).status().code() == ErrorCode::kInvalidArgument);
  // 1,000 nested sequences before the study UID: refused before DCMTK recurses.
  Bytes body = Element(0x0008, 0x0100, "SH", "X");
  for (int i = 0; i < 1000; ++i) body = Sequence(0x0008, 0x1115, body);
  Bytes deep = Part10Header(id.sop_class, id.sop_instance);
  Append(deep, Element(0x0008, 0x0016, "UI", id.sop_class));
  Append(deep, body);
  Append(deep, Element(0x0020, 0x000D, "UI", id.study));
  CHECK(ReadStudyInstanceUid(Write(dir, "deep.dcm", deep)).status().code() == ErrorCode::kTruncated);
}
