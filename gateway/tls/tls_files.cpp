#include "gateway/tls/tls_files.h"

#include <sys/stat.h>
#include <unistd.h>

namespace rwd::gateway {

Status CheckTlsFiles(const TlsFiles& f, const std::string& prefix) {
  if (!f.any()) return Status::Ok();
  if (!f.all())
    return Status::Error(ErrorCode::kInvalidArgument,
                         "TLS needs all three of " + prefix + "cert, " + prefix + "key and " + prefix + "ca");
  for (const std::string* path : {&f.cert, &f.key, &f.ca})
    if (::access(path->c_str(), R_OK) != 0)
      return Status::Error(ErrorCode::kIoError, "cannot read TLS file " + *path);
  struct stat st {};
  if (::stat(f.key.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Status::Error(ErrorCode::kIoError, prefix + "key " + f.key + " is not a regular file");
  if ((st.st_mode & 077) != 0)
    return Status::Error(ErrorCode::kUnsafe,
                         prefix + "key " + f.key + " is readable by group or others; run: chmod 600 " + f.key);
  return Status::Ok();
}

}  // namespace rwd::gateway
