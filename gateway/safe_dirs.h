#pragma once
// Folders under the output and the work dir are created and entered without
// following symbolic links: a link planted at OUTPUT/<patient> or
// WORKDIR/quarantine must not send released objects or originals with PHI
// somewhere else. The root itself (what the user named) may be a link.
#include <string>
#include <string_view>

#include "core/status.h"

namespace rwd::gateway {

// Creates (mode `mode`, when missing) every folder of `rel` below `root`,
// refusing any component that is a symbolic link or not a folder.
// kUnsafe names the offending component (a path below root, no value).
Status MakeDirsNoFollow(const std::string& root, std::string_view rel, unsigned mode = 0755);

}  // namespace rwd::gateway
