#pragma once
// The header side of a defaced object (PS3.15 E.3.2 Clean Recognizable
// Visual Features Option; General Image Module PS3.3 C.7.6.1; PS3.16 CID 7050):
//  - Recognizable Visual Features (0028,0302) = NO;
//  - code 113102 (DCM, "Clean Recognizable Visual Features Option") added
//    once to De-identification Method Code Sequence (0012,0064);
//  - Image Type (0008,0008) value 1 ORIGINAL -> DERIVED (PS3.3 C.7.6.1.1.2:
//    pixel values were changed).
// New UIDs are the header stage's business, not this function's.
#include "core/dicom_file.h"
#include "core/status.h"

namespace rwd::deface {

Status MarkDefaced(DicomFile& file);

}  // namespace rwd::deface
