#pragma once
// The identifying values of an object as it came in, collected by the
// residual-PHI gate from the original header, independently of the
// de-identifier (anonymizer/): what must not be in anything released.
// Held in memory only: never logged, stored or put in a message.
#include <string>
#include <vector>

#include "core/dicom_file.h"

namespace rwd::gateway::gate {

// What an identifying value is. Findings name the kind, never the value.
enum class IdentifierKind {
  kPatientName,       // a component of (0010,0010)
  kOtherPatientName,  // other, birth and mother's birth names, responsible person
  kPersonName,        // physicians, operators, observers: any other PN value
  kPatientId,         // (0010,0020)
  kOtherPatientId,    // other IDs, medical record locator
  kIssuer,            // issuer of patient ID
  kBirthDate,         // (0010,0030) in any common spelling
  kAccession,         // (0008,0050)
  kStudyId,           // (0020,0010)
  kOtherId,           // admission, requested procedure, order numbers
  kAddress,           // patient, institution and physician addresses
  kPhone,             // telephone numbers
  kInstitution,       // institution and department names
  kStation,           // (0008,1010)
  kSerial,            // device serial number
  kUid,               // an original instance UID
  kProfileTerm,       // an extra term from the profile (gate.extra_terms_file)
};
const char* IdentifierKindName(IdentifierKind kind);  // "patient name", ...

// One value to look for. `text` is case folded (gate/text_fold.h) UTF-8, or
// for an object in another character set also its raw bytes folded.
struct Identifier {
  IdentifierKind kind;
  Tag source;         // the original attribute it came from ({0,0}: profile)
  std::string text;
  bool whole_word;    // short terms: only between non-alphanumeric characters
  bool digits;        // all digits: never inside a longer number
};

struct OriginalIdentifiers {
  std::vector<Identifier> terms;  // names (every component), IDs, dates, ...
  std::vector<Identifier> uids;   // original instance UIDs (not class or well-known UIDs), kind kUid
  bool empty() const { return terms.empty() && uids.empty(); }
};

// Collects every identifying value of `original` at any depth (sequences
// included; private elements only for their UIDs: their meaning is unknown):
// person names split into components (family, given, middle; each of the
// alphabetic, ideographic and phonetic groups), IDs, issuer, the birth date
// in common spellings (19750314, 1975-03-14, 14.03.1975, 03/14/1975,
// 14 MAR 1975, ...), accession number, study ID, addresses, telephone
// numbers, institution, station and serial number, and the UIDs of
// instance-UID attributes. Values of three or four bytes are matched only as
// whole words; shorter ones, numbers of fewer than five digits and stand-in
// words ("ANONYMIZED", "PATIENT", ...) are not collected, nor values the
// original also has in its Manufacturer, model, software or device
// description (not distinctive). Text is decoded from the object's Specific
// Character Set.
OriginalIdentifiers CollectIdentifiers(const DicomFile& original);

// Adds the profile's extra terms (e.g. local staff names); a term with '^'
// is a person name and each component is added.
void AddProfileTerms(const std::vector<std::string>& terms, OriginalIdentifiers& ids);

}  // namespace rwd::gateway::gate
