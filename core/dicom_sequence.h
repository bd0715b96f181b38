#pragma once
// Reading inside sequences through the facade (core/dicom_file.h), e.g. the
// functional groups of enhanced multi-frame objects (PS3.3 C.7.6.16).
// Handles are valid while the DicomFile lives and the sequence is unchanged.
#include <optional>
#include <string>
#include <vector>

#include "core/dicom_file.h"
#include "core/dicom_tag.h"

namespace rwd {

// The items of the sequence `sequence` at the top level of `item`; empty when
// absent or not a sequence.
std::vector<DicomItem> SequenceItems(DicomItem item, Tag sequence);

// The first item of `sequence` in `item`, if any.
std::optional<DicomItem> FirstSequenceItem(DicomItem item, Tag sequence);

// The multi-valued decimal value of `tag` in `item` ("a\b\c"); nullopt when
// absent, empty or not numeric everywhere.
std::optional<std::vector<double>> GetNumbers(const DicomItem& item, Tag tag);
std::optional<double> GetNumber(const DicomItem& item, Tag tag);

}  // namespace rwd
