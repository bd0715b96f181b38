// The File Meta Information keeps group 0002 only. Fuzzing found meta headers
// holding elements of other groups inside (0002,0000)'s length; they were kept
// by their element number, written before group 0002, and then no reader found
// the meta header of the released file (and their values were never judged).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "anonymizer/header_deidentifier.h"
#include "rules/profile_loader.h"
#include "tests/support/dicom_bytes.h"

using namespace rwd;
using namespace rwd::testing;

namespace {

// A Part 10 file whose meta group length also covers `stray`.
Bytes FileWithStrayMetaElement(const Bytes& stray, const SyntheticIds& id) {
  Bytes meta = stray;
  Append(meta, Element(0x0002, 0x0001, "OB", std::string("\0\1", 2), false));
  Append(meta, Element(0x0002, 0x0002, "UI", id.sop_class));
  Append(meta, Element(0x0002, 0x0003, "UI", id.sop_instance));
  Append(meta, Element(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1"));
  Bytes b(128, 0);
  b.insert(b.end(), {'D', 'I', 'C', 'M'});
  Bytes gl = ElementHeader(0x0002, 0x0000, "UL", 4);
  Put32(gl, static_cast<uint32_t>(meta.size()));
  Append(b, gl);
  Append(b, meta);
  Append(b, IdentifyingElements(id));
  return b;
}

}  // namespace

TEST_CASE("elements of other groups in the meta header are not released, and the output's meta header reads again") {
  SyntheticIds id;
  const std::string token = "STRAYMETA4471";
  // (0001,0010): element 0x0010 like TransferSyntaxUID, the number the old rule kept.
  const Bytes file = FileWithStrayMetaElement(Element(0x0001, 0x0010, "LO", token), id);
  anon::KeyedIds ids(std::vector<uint8_t>(32, 7));
  for (const char* name : {"basic.yaml", "research.yaml", "retain-uids.yaml"}) {
    CAPTURE(name);
    auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/" + name);
    REQUIRE(profile.ok());
    auto parsed = DicomFile::Parse(file);
    REQUIRE(parsed.ok());
    REQUIRE(parsed->meta().Has({0x0001, 0x0010}));  // DCMTK keeps it in the meta header
    anon::HeaderDeidentifier deid(*profile, ids);
    REQUIRE(deid.Apply(*parsed).ok());
    auto out = parsed->Serialize();
    REQUIRE(out.ok());
    CHECK(std::search(out->begin(), out->end(), token.begin(), token.end()) == out->end());
    auto again = DicomFile::Parse(*out);
    REQUIRE(again.ok());
    CHECK(again->has_meta_header());
    CHECK(again->meta().GetString({0x0002, 0x0010}).value_or("") == "1.2.840.10008.1.2.1");
    CHECK_FALSE(again->dataset().Has({0x0001, 0x0010}));
  }
}

TEST_CASE("File Meta elements found in the dataset are not released") {
  SyntheticIds id;
  const std::string token = "STRAYAE77";
  Bytes file = Part10Header(id.sop_class, id.sop_instance);
  Append(file, Element(0x0002, 0x0016, "AE", token));  // SourceApplicationEntityTitle, in the dataset
  Append(file, IdentifyingElements(id));
  anon::KeyedIds ids(std::vector<uint8_t>(32, 7));
  for (const char* name : {"basic.yaml", "research.yaml", "retain-uids.yaml"}) {
    CAPTURE(name);
    auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/" + name);
    REQUIRE(profile.ok());
    auto parsed = DicomFile::Parse(file);
    REQUIRE(parsed.ok());
    REQUIRE(parsed->dataset().Has({0x0002, 0x0016}));
    anon::HeaderDeidentifier deid(*profile, ids);
    REQUIRE(deid.Apply(*parsed).ok());
    auto out = parsed->Serialize();
    REQUIRE(out.ok());
    CHECK(std::search(out->begin(), out->end(), token.begin(), token.end()) == out->end());
  }
}
