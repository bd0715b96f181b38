#pragma once
// Checks a DICOMDIR (PS3.10 7.2, PS3.3 F.3) against the folder it sits in:
// every Referenced File ID (0004,1500) of its directory records must name a
// file inside that folder. A File ID is a relative path of components
// separated by '\' (PS3.10 8.2: up to 8 components of A-Z, 0-9, '_'); an
// entry that is absolute (leading '\', a drive letter), has an empty, "." or
// ".." component, carries '/', ':' or control bytes, or resolves (through
// links) outside the folder is malformed: counted apart and never looked up.
#include <filesystem>

#include "core/dicom_file.h"

namespace rwd::gateway {

struct DicomdirCheck {
  int entries = 0;    // records with a non-empty Referenced File ID
  int missing = 0;    // well-formed entries whose file does not exist
  int malformed = 0;  // entries rejected by the rules above
};

// `dataset`: the DICOMDIR's dataset; `folder`: the directory that holds it.
DicomdirCheck CheckDicomdir(DicomItem dataset, const std::filesystem::path& folder);

}  // namespace rwd::gateway
