#pragma once
// The per-object facts series stages need, taken from the de-identified
// header in the object phase and kept in the database (objects.facts, JSON)
// rather than in memory: geometry, no identifying value (new UIDs only).
#include <array>
#include <optional>
#include <string>

#include "core/dicom_file.h"

namespace rwd::gateway {

struct ObjectFacts {
  std::optional<std::array<double, 3>> position;       // ImagePositionPatient
  std::optional<std::array<double, 6>> orientation;    // ImageOrientationPatient
  std::optional<std::array<double, 2>> pixel_spacing;  // PixelSpacing
  std::optional<double> slice_thickness;
  std::optional<int> instance_number;
  int rows = 0, columns = 0, frames = 1;
  std::string image_type;           // e.g. ORIGINAL\PRIMARY\AXIAL
  std::string frame_of_reference;   // the new FrameOfReferenceUID
  int pixel_regions_redacted = 0;   // burned-in boxes filled by the pixel stage
  std::optional<double> gantry_tilt;  // GantryDetectorTilt
  // The QC cohort group (site + scanner model + protocol) as a keyed HMAC
  // (64 hex digits) of the original header's values; "" when unknown.
  std::string qc_group;
  bool pixels_changed = false;  // the pixel stage changed pixels (boxes, overlay bits)

  // Reads the facts from a (de-identified) dataset.
  static ObjectFacts From(const DicomFile& file);
  std::string ToJson() const;
  // Unknown or malformed JSON gives empty facts (never an exception).
  static ObjectFacts FromJson(const std::string& json);
};

}  // namespace rwd::gateway
