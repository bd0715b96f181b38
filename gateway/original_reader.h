#pragma once
// Reads an object's original bytes back from the input, for the series
// phase: the quarantine keeps originals, and QC looks at the original pixels
// of objects the object phase changed. The bytes are checked against the
// SHA-256 taken at ingest: an input that changed since is never used.
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "db/provenance_store.h"

namespace rwd::gateway {

struct OriginalSource {
  std::string input_dir;                 // source paths are relative to it
  const std::vector<uint8_t>* path_key;  // opens sealed source paths (--record-paths hmac); may be empty
};

// kIoError: the sealed path does not open with the key, the file is no
// longer readable, or its SHA-256 is not the one recorded at ingest.
// Messages name no path (paths are PHI in many exports).
Result<std::vector<uint8_t>> ReadOriginal(const db::StagedObject& object, const OriginalSource& source);

}  // namespace rwd::gateway
