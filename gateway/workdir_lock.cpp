#include "gateway/workdir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rwd::gateway {

Result<WorkdirLock> WorkdirLock::Acquire(const std::string& work_dir) {
  const std::string path = work_dir + "/rwdgate.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot create " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char pid[32] = {};
    const ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    if (err != EWOULDBLOCK) return Status::Error(ErrorCode::kIoError, "cannot lock " + path + ": " + std::strerror(err));
    std::string holder(pid, n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
    return Status::Error(ErrorCode::kUnsafe, "another rwdgate (pid " + (holder.empty() ? "?" : holder) + ") is using " + work_dir);
  }
  const std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
    ::close(fd);
    return Status::Error(ErrorCode::kIoError, "cannot write " + path);
  }
  return WorkdirLock(fd);
}

WorkdirLock::~WorkdirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace rwd::gateway
