#pragma once
// What rwdgate writes under the work dir is owner-only: files 0600, folders
// 0700, whatever the umask (a cron job's is often 022). Reports, manifests,
// QC results and renders describe patients even when de-identified, and the
// work dir also holds originals and keys.
#include <string>
#include <string_view>

#include "core/status.h"

namespace rwd::gateway {

// Creates every missing folder of `dir` with mode 0700 and makes `dir` itself
// 0700 (it may exist from an older version with 0755).
Status MakePrivateDirs(const std::string& dir);

// Writes `data` as the whole of `path`, mode 0600: to a temporary name beside
// it (never through a symbolic link), then renamed over `path`, so a reader
// sees the old file or the new one, never a part.
Status WritePrivateFile(const std::string& path, std::string_view data);

}  // namespace rwd::gateway
