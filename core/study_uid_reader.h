#pragma once
// Reads a file's Study Instance UID (0020,000D) from its header alone: the
// parse stops at the element after it, so the pixels (and most of a large
// header) are never read. Used to plan sharded runs (every study in one
// shard). The UID is returned to the caller only; it is never logged.
#include <string>

#include "core/status.h"

namespace rwd {

// The Study Instance UID of the file at `path`. Fails with kEmptyFile,
// kNotDicom, kTruncated or kIoError (messages name no value), or with
// kInvalidArgument when the file is DICOM but has no Study Instance UID.
Result<std::string> ReadStudyInstanceUid(const std::string& path);

}  // namespace rwd
