// Issue 15, defect 8: DICOMDIR entries that resolve outside the tree
// (absolute paths, "..", links) were counted as present; they are malformed.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/dicom_file.h"
#include "gateway/dicomdir_check.h"
#include "tests/support/dicom_bytes.h"
#include "tests/support/test_support.h"

namespace rwd::gateway {
namespace {
namespace fs = std::filesystem;
using namespace rwd::testing;

DicomFile DicomdirListing(const std::vector<std::string>& file_ids) {
  Bytes b = Part10Header("1.2.840.10008.1.3.10", "1.2.826.0.1.3680043.9.7156.9.1");
  Append(b, ElementHeader(0x0004, 0x1220, "SQ", 0xFFFFFFFFu));
  for (const std::string& id : file_ids) {
    Append(b, ItemHeader(0xFFFFFFFFu));
    Append(b, Element(0x0004, 0x1500, "CS", id));
    Append(b, ItemDelimiter());
  }
  Append(b, SequenceDelimiter());
  auto f = DicomFile::Parse(b);
  REQUIRE_MESSAGE(f.ok(), f.status().message());
  return std::move(f).value();
}

TEST_CASE("present, missing and malformed DICOMDIR entries are told apart") {
  TempDir t;
  const fs::path root = t.path() / "export";
  fs::create_directories(root / "PAT1" / "ST1");
  WriteText((root / "PAT1" / "ST1" / "IM1").string(), "x");
  WriteText((t.path() / "secret").string(), "outside the export");  // exists, but outside
  fs::create_symlink(t.path() / "secret", root / "LINK");
  fs::create_symlink(t.path(), root / "UP");

  DicomFile dir = DicomdirListing({"PAT1\\ST1\\IM1", "PAT1\\ST1\\IM2", "..\\secret", "PAT1\\..\\..\\secret",
                                   "\\etc\\passwd", "/etc/passwd", "C:\\secret", "LINK", "UP\\secret",
                                   "PAT1\\\\ST1\\IM1", "PAT1\\.\\ST1"});
  const DicomdirCheck c = CheckDicomdir(dir.dataset(), root);
  CHECK(c.entries == 11);
  CHECK(c.missing == 1);     // PAT1\ST1\IM2
  CHECK(c.malformed == 9);   // everything else but the one present file
}

TEST_CASE("a clean DICOMDIR has no malformed entry") {
  TempDir t;
  fs::create_directories(t.path() / "A");
  WriteText((t.path() / "A" / "B").string(), "x");
  DicomFile dir = DicomdirListing({"A\\B", "A\\B "});
  const DicomdirCheck c = CheckDicomdir(dir.dataset(), t.path());
  CHECK(c.entries == 2);
  CHECK(c.missing == 0);
  CHECK(c.malformed == 0);
}

}  // namespace
}  // namespace rwd::gateway
