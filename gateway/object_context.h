#pragma once
// Everything the stages know about one input object while it moves through
// the pipeline. Owned by one worker at a time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anonymizer/burned_in_risk.h"
#include "anonymizer/header_deidentifier.h"
#include "anonymizer/phi_terms.h"
#include "core/dicom_file.h"
#include "db/provenance_store.h"

namespace rwd::gateway {

struct ObjectContext {
  std::string path;      // as found on disk
  std::string rel_path;  // relative to the input root (stored in the database)
  std::vector<uint8_t> bytes;  // the original file
  std::string sha256_in;
  std::optional<DicomFile> dicom;
  std::string modality, sop_class_uid;
  anon::BurnedInRisk burned_in;  // assessed on the original header
  anon::PhiTerms phi;            // the original identifiers (memory only), for pixel text
  anon::HeaderResult header;
  std::vector<uint8_t> out_bytes;  // the de-identified file, once serialised
  std::string sha256_out;
  std::string output_path;         // where it was written (released)
  std::vector<db::Finding> findings;
};

}  // namespace rwd::gateway
