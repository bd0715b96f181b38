#include "anonymizer/phi_terms.h"

namespace rwd::anon {
namespace {

// Person names inside sequences (observers, verifying and other people of
// structured content): the object names them itself, so its free text must
// not keep them either (the residual-PHI gate looks for every PN value at any
// depth).
void CollectNestedNames(DicomItem item, int depth, PhiTerms& t) {
  if (depth > 32) return;  // absurd nesting: the parser's limits apply first
  item.Walk([&](ElementRef& e) {
    if (e.is_sequence()) {
      for (size_t i = 0; i < e.NumItems(); ++i) CollectNestedNames(e.Item(i), depth + 1, t);
    } else if (depth > 0 && e.vr() == "PN") {
      if (auto v = e.GetString(); v.ok() && !v->empty()) t.names.push_back(*v);
    }
    return DicomItem::Visit::kKeep;
  });
}

}  // namespace

PhiTerms CollectPhiTerms(const DicomItem& ds) {
  PhiTerms t;
  // PatientName, OtherPatientNames, ReferringPhysicianName, PerformingPhysicianName,
  // OperatorsName, RequestingPhysician, PatientMotherBirthName, PatientBirthName.
  for (Tag tag : {Tag{0x0010, 0x0010}, Tag{0x0010, 0x1001}, Tag{0x0008, 0x0090}, Tag{0x0008, 0x1050},
                  Tag{0x0008, 0x1070}, Tag{0x0032, 0x1032}, Tag{0x0010, 0x1060}, Tag{0x0010, 0x1005}})
    if (auto v = ds.GetString(tag); v && !v->empty()) t.names.push_back(*v);
  // PatientID, OtherPatientIDs, AccessionNumber, StudyID, InstitutionName,
  // InstitutionAddress, PatientAddress, PatientTelephoneNumbers, IssuerOfPatientID,
  // MedicalRecordLocator, StationName, DeviceSerialNumber.
  for (Tag tag : {Tag{0x0010, 0x0020}, Tag{0x0010, 0x1000}, Tag{0x0008, 0x0050}, Tag{0x0020, 0x0010},
                  Tag{0x0008, 0x0080}, Tag{0x0008, 0x0081}, Tag{0x0010, 0x1040}, Tag{0x0010, 0x2154},
                  Tag{0x0010, 0x0021}, Tag{0x0010, 0x1090}, Tag{0x0008, 0x1010}, Tag{0x0018, 0x1000}})
    if (auto v = ds.GetString(tag); v && !v->empty()) t.values.push_back(*v);
  if (auto v = ds.GetString({0x0010, 0x0030}); v && !v->empty()) t.dates.push_back(*v);
  CollectNestedNames(ds, 0, t);
  return t;
}

}  // namespace rwd::anon
