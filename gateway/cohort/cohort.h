#pragma once
// --cohort FILE: the patients and studies a study protocol selects, as
// coordinators receive them: a CSV with a header row naming the columns
// PatientID and/or AccessionNumber (case-insensitive; other columns are
// ignored), one patient or study per row. An object is in the cohort when
// its Patient ID (0010,0020) or its Accession Number (0008,0050) is listed.
//
// Values are compared as keyed HMACs (KeyedIds::DbHmac of the trimmed
// value): the list is held only as HMACs once loaded, and is never stored
// in the database or logged.
#include <string>
#include <unordered_set>

#include "anonymizer/keyed_ids.h"
#include "core/status.h"

namespace rwd::gateway {

class Cohort {
 public:
  // kInvalidArgument when the file has neither column or no entries.
  static Result<Cohort> Load(const std::string& path, const anon::KeyedIds& ids);
  // Original (trimmed) values; "" never matches.
  bool Matches(const std::string& patient_id, const std::string& accession_number) const;
  size_t patients() const { return patients_.size(); }
  size_t accessions() const { return accessions_.size(); }

 private:
  Cohort(const anon::KeyedIds& ids) : ids_(&ids) {}
  const anon::KeyedIds* ids_;
  std::unordered_set<std::string> patients_, accessions_;  // HMAC hex
};

}  // namespace rwd::gateway
