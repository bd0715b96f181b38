#pragma once
// The acquisition parameters of a series that matter for batch effects in
// radiomics, read from a released (de-identified) header. A value the
// profile removed, or that the object never had, is empty: the report shows
// it as "not kept".
#include <string>

#include "core/dicom_file.h"

namespace rwd::gateway::report {

struct AcquisitionFacts {
  std::string manufacturer;        // (0008,0070)
  std::string model;               // (0008,1090) ManufacturerModelName
  std::string field_strength_t;    // (0018,0087) MagneticFieldStrength, tesla
  std::string kernel;              // (0018,1210) ConvolutionKernel
  std::string slice_thickness_mm;  // (0018,0050)
  std::string pixel_spacing_mm;    // (0028,0030), first value
  std::string kvp;                 // (0018,0060)
  std::string tr_ms, te_ms;        // (0018,0080), (0018,0081)
  std::string contrast;            // (0018,0010) ContrastBolusAgent: "yes" when present and not empty

  static AcquisitionFacts From(const DicomFile& released);
  // One line naming the protocol: equal lines = one protocol.
  std::string ProtocolKey(const std::string& modality) const;
};

}  // namespace rwd::gateway::report
