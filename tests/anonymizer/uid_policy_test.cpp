// UIDs in unexpected places ("Privacy on the hard cases", point 5) and
// invalid UIDs under Retain UIDs (issue 15, defect 10).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "anonymizer/header_deidentifier.h"
#include "anonymizer/uid_policy.h"
#include "core/dicom_file.h"
#include "rules/profile_loader.h"
#include "tests/support/dicom_bytes.h"

namespace rwd::anon {
namespace {
using namespace rwd::testing;

const KeyedIds kIds(std::vector<uint8_t>(32, 0x42));

rules::Profile Shipped(const std::string& name) {
  auto p = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/" + name + ".yaml");
  REQUIRE_MESSAGE(p.ok(), p.status().message());
  return std::move(p).value();
}

// Every UI value of the object, by tag path ("(0008,1199)/(0008,1150)").
void CollectUids(DicomItem item, const std::string& prefix, std::multimap<std::string, std::string>& out) {
  item.Walk([&](ElementRef& e) {
    const std::string path = prefix + e.tag().ToString();
    if (e.is_sequence()) {
      for (size_t i = 0; i < e.NumItems(); ++i) CollectUids(e.Item(i), path + "/", out);
    } else if (e.vr() == "UI") {
      auto v = e.GetString();
      if (v.ok()) out.emplace(path, std::string(v->c_str()));  // without NUL padding
    }
    return DicomItem::Visit::kKeep;
  });
}

TEST_CASE("UID syntax (PS3.5 9.1)") {
  for (const char* ok : {"1.2.840.10008.1.2", "2.25.1234567890", "0.1", "1.0.3"}) CHECK(IsValidUid(ok));
  for (const char* bad : {"", "..", "/etc/passwd", "1..2", ".1.2", "1.2.", "1.02.3", "1.2.3;rm -rf /", "1.2.3 4",
                          "1.2.a", "$(reboot)"})
    CHECK_FALSE(IsValidUid(bad));
  CHECK(IsValidUid(std::string("1.") + std::string(62, '9')));
  CHECK_FALSE(IsValidUid(std::string("1.") + std::string(63, '9')));  // 65 characters
}

TEST_CASE("what each UID becomes") {
  CHECK(DecideUid("1.2.840.10008.5.1.4.1.1.2", false) == UidFate::kKeep);  // CT Image Storage
  CHECK(DecideUid("2.16.840.1.113883.6.1", false) == UidFate::kKeep);      // LOINC (PS3.16 Table 8-1)
  CHECK(DecideUid("1.3.12.2.1107.5.9.1", false) == UidFate::kKeep);        // Siemens CSA Non-Image
  CHECK(DecideUid("2.25.98765", false) == UidFate::kRemap);
  CHECK(DecideUid("2.25.98765", true) == UidFate::kKeep);
  CHECK(DecideUid("1.2.840.10008.1.2/../x", true) == UidFate::kRemapInvalid);
  CHECK(DecideUid("../../etc", true) == UidFate::kRemapInvalid);
  // Consistent with KeyedIds::MapUid: a kept UID maps to itself.
  CHECK(kIds.MapUid("1.3.12.2.1107.5.9.1") == "1.3.12.2.1107.5.9.1");
  CHECK(kIds.MapUid("2.25.98765") != "2.25.98765");
}

// An SR whose ReferencedSOPClassUID holds an instance-style UID that is also
// the referenced instance's UID and this object's SOP Instance UID.
Bytes SrWithInstanceUidAsClass(const std::string& odd_uid) {
  SyntheticIds id;
  id.sop_class = "1.2.840.10008.5.1.4.1.1.88.11";  // Basic Text SR
  id.sop_instance = odd_uid;
  id.modality = "SR";
  Bytes ref;
  Append(ref, Element(0x0008, 0x1150, "UI", odd_uid));  // ReferencedSOPClassUID
  Append(ref, Element(0x0008, 0x1155, "UI", odd_uid));  // ReferencedSOPInstanceUID
  // (0008,1199) ReferencedSOPSequence sorts after (0008,0060), before (0010,xxxx).
  Bytes out = Part10Header(id.sop_class, id.sop_instance);
  Append(out, Element(0x0008, 0x0016, "UI", id.sop_class));
  Append(out, Element(0x0008, 0x0018, "UI", id.sop_instance));
  Append(out, Element(0x0008, 0x0060, "CS", id.modality));
  Append(out, Sequence(0x0008, 0x1199, ref));
  Append(out, Element(0x0010, 0x0010, "PN", id.patient_name));
  Append(out, Element(0x0010, 0x0020, "LO", id.patient_id));
  Append(out, Element(0x0020, 0x000D, "UI", id.study));
  Append(out, Element(0x0020, 0x000E, "UI", id.series));
  return out;
}

TEST_CASE("an instance-style UID in ReferencedSOPClassUID is remapped, the same way as everywhere else") {
  const std::string odd = "2.25.314159265358979323846264338327950288";
  for (const char* profile_name : {"basic", "research"}) {
    CAPTURE(profile_name);
    const rules::Profile profile = Shipped(profile_name);
    HeaderDeidentifier deid(profile, kIds);
    auto file = DicomFile::Parse(SrWithInstanceUidAsClass(odd));
    REQUIRE_MESSAGE(file.ok(), file.status().message());
    auto r = deid.Apply(*file);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    std::multimap<std::string, std::string> uids;
    CollectUids(file->dataset(), "", uids);
    const std::string mapped = kIds.MapUid(odd);
    int seen = 0;
    for (const auto& [path, value] : uids) {
      CHECK_MESSAGE(value != odd, path);  // no original non-standard UID in the output
      if (path == "(0008,0018)" || path == "(0008,1199)/(0008,1150)" || path == "(0008,1199)/(0008,1155)") {
        CHECK_MESSAGE(value == mapped, path);  // one input UID, one output UID
        ++seen;
      }
    }
    CHECK(seen == 3);
    CHECK(uids.find("(0008,0016)")->second == "1.2.840.10008.5.1.4.1.1.88.11");  // standard: kept
  }
}

TEST_CASE("issue 15 defect 10: invalid UIDs are remapped with a finding even under Retain UIDs") {
  const rules::Profile profile = Shipped("retain-uids");
  HeaderDeidentifier deid(profile, kIds);
  for (const std::string& bad : std::vector<std::string>{"../../etc/passwd", "1.2.3;rm -rf /", "1.2.3.`id`",
                                                          std::string("1.") + std::string(70, '7')}) {
    CAPTURE(bad);
    SyntheticIds id;
    id.sop_instance = bad;
    Bytes b = Part10Header(id.sop_class, "1.2.3");
    Append(b, IdentifyingElements(id));
    auto file = DicomFile::Parse(b);
    REQUIRE_MESSAGE(file.ok(), file.status().message());
    const std::string as_read = file->dataset().GetString({0x0008, 0x0018}).value_or("");
    auto r = deid.Apply(*file);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(r->new_sop_uid == kIds.MapUid(as_read));
    CHECK(IsValidUid(r->new_sop_uid));
    CHECK(r->invalid_uids == 1);
    CHECK(r->invalid_uid_tags == std::vector<std::string>{"(0008,0018)"});
    // Valid UIDs stay as they are under Retain UIDs.
    CHECK(r->new_study_uid == id.study);
    CHECK(r->new_series_uid == id.series);
  }
}

}  // namespace
}  // namespace rwd::anon
