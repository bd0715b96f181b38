#pragma once
// The object's own identifying values, read from its original header before
// de-identification: what free text and burned-in pixel text must not keep.
// Held in memory only, never logged or stored.
#include <string>
#include <vector>

#include "core/dicom_file.h"

namespace rwd::anon {

struct PhiTerms {
  std::vector<std::string> names;   // person names (PN values, '^'-separated)
  std::vector<std::string> values;  // IDs, accession numbers, institution, addresses ...
  std::vector<std::string> dates;   // DA values (birth date)

  bool empty() const { return names.empty() && values.empty() && dates.empty(); }
};

// Reads names, identifiers and the birth date from the top level of `ds`,
// and every person name (PN) inside its sequences.
PhiTerms CollectPhiTerms(const DicomItem& ds);

}  // namespace rwd::anon
