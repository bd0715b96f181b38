#include "gateway/safe_dirs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rwd::gateway {

Status MakeDirsNoFollow(const std::string& root, std::string_view rel, unsigned mode) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot open " + root + ": " + std::strerror(errno));
  std::string done;
  size_t at = 0;
  while (at < rel.size()) {
    size_t cut = rel.find('/', at);
    if (cut == std::string_view::npos) cut = rel.size();
    const std::string part(rel.substr(at, cut - at));
    at = cut + 1;
    if (part.empty() || part == ".") continue;
    done += (done.empty() ? "" : "/") + part;
    if (part == ".." ) {
      ::close(fd);
      return Status::Error(ErrorCode::kUnsafe, "refused: '..' in " + done);
    }
    if (::mkdirat(fd, part.c_str(), mode) != 0 && errno != EEXIST) {
      const int err = errno;
      ::close(fd);
      return Status::Error(ErrorCode::kIoError, "cannot create " + root + "/" + done + ": " + std::strerror(err));
    }
    const int next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const int err = errno;
    ::close(fd);
    if (next < 0) {
      if (err == ELOOP || err == ENOTDIR)
        return Status::Error(ErrorCode::kUnsafe, "refused: " + root + "/" + done +
                                                     " is a symbolic link or not a folder (links are not followed here)");
      return Status::Error(ErrorCode::kIoError, "cannot open " + root + "/" + done + ": " + std::strerror(err));
    }
    fd = next;
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace rwd::gateway
