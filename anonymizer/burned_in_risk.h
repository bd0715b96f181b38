#pragma once
// Header triage for burned-in text: which objects may carry identifying text
// in their pixels. Until the pixel cleaner exists, at-risk objects are
// quarantined, never released unexamined.
#include <string>

#include "core/dicom_file.h"

namespace rwd::anon {

struct BurnedInRisk {
  bool at_risk = false;
  std::string reason;  // e.g. "modality US"; names no attribute value but these codes
};

BurnedInRisk AssessBurnedInRisk(const DicomItem& dataset);

}  // namespace rwd::anon
