#pragma once
// One rwdgate process per work dir: an exclusive flock(2) on
// WORKDIR/rwdgate.lock, held for the life of the process (the kernel drops
// it when the process dies, however it dies). The file holds the holder's
// pid, for the message the second process prints.
#include <string>

#include "core/status.h"

namespace rwd::gateway {

class WorkdirLock {
 public:
  // kUnsafe with "another rwdgate (pid N) is using DIR" when held elsewhere;
  // kIoError when the lock file cannot be created.
  static Result<WorkdirLock> Acquire(const std::string& work_dir);
  WorkdirLock(WorkdirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  WorkdirLock& operator=(WorkdirLock&&) = delete;
  ~WorkdirLock();

 private:
  explicit WorkdirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace rwd::gateway
