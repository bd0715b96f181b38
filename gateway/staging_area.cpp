#include "gateway/staging_area.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/crypto.h"
#include "gateway/safe_dirs.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

bool WriteAll(int fd, std::span<const uint8_t> head, std::span<const uint8_t> tail) {
  const size_t total = head.size() + tail.size();
  size_t done = 0;
  while (done < total) {
    iovec iov[2];
    int n = 0;
    if (done < head.size()) iov[n++] = {const_cast<uint8_t*>(head.data()) + done, head.size() - done};
    const size_t tail_done = done > head.size() ? done - head.size() : 0;
    if (tail.size() > tail_done) iov[n++] = {const_cast<uint8_t*>(tail.data()) + tail_done, tail.size() - tail_done};
    const ssize_t w = ::writev(fd, iov, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

bool OtherBytesAt(const std::string& path, int64_t size, const std::string& sha256) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return false;
  if (!S_ISREG(st.st_mode) || st.st_size != size) return true;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return true;
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return done != bytes.size() || Sha256Hex(bytes) != sha256;
}

Result<StagingArea> StagingArea::Open(const std::string& output_dir, const std::string& work_dir,
                                      const std::string& staging_name) {
  std::error_code ec;
  fs::create_directories(output_dir, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot create " + output_dir + ": " + ec.message());
  struct stat out_st {}, work_st {};
  if (::stat(output_dir.c_str(), &out_st) != 0 || ::stat(work_dir.c_str(), &work_st) != 0)
    return Status::Error(ErrorCode::kIoError, "cannot stat the output or the work dir: " + std::string(std::strerror(errno)));
  // rename(2) works only within one file system.
  const bool beside = out_st.st_dev == work_st.st_dev;
  const std::string base = beside ? work_dir : output_dir, name = beside ? "staging" : staging_name;
  Status made = MakeDirsNoFollow(base, name, 0700);  // de-identified but not yet checked by the series stages
  if (!made.ok()) return made;
  const std::string root = base + "/" + name;
  ::chmod(root.c_str(), 0700);
  return StagingArea(root, output_dir);
}

Result<StagingArea> StagingArea::OpenForRemote(const std::string& target, const std::string& work_dir) {
  const std::string root = work_dir + "/staging";
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot create " + root + ": " + ec.message());
  ::chmod(root.c_str(), 0700);
  return StagingArea(root, target);
}

Result<int> StagingArea::ClearExcept(const std::unordered_set<std::string>& keep) {
  if (keep.empty()) return Clear();
  int removed = 0;
  std::error_code ec;
  std::vector<fs::path> files, dirs;
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory()) dirs.push_back(it->path());
    else if (!keep.count(it->path().parent_path().string())) files.push_back(it->path());
  }
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot list the staging area: " + ec.message());
  for (const fs::path& f : files) {
    std::error_code rm;
    if (fs::remove(f, rm)) ++removed;
  }
  for (auto d = dirs.rbegin(); d != dirs.rend(); ++d) {
    std::error_code rm;
    if (fs::is_empty(*d, rm) && fs::remove(*d, rm)) ++removed;  // deepest first
  }
  std::lock_guard<std::mutex> lock(mu_);
  dirs_.clear();
  return removed;
}

Status StagingArea::EnsureParent(const std::string& path) {
  const std::string dir = fs::path(path).parent_path().string();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (dirs_.count(dir)) return Status::Ok();
  }
  // Below the staging or the output root, never through a link.
  const std::string& root = dir.rfind(root_ + "/", 0) == 0 ? root_ : output_;
  if (dir.rfind(root + "/", 0) != 0) return Status::Error(ErrorCode::kInternal, "a path outside the staging area and the output");
  Status s = MakeDirsNoFollow(root, std::string_view(dir).substr(root.size() + 1), 0700);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  dirs_.insert(dir);
  return Status::Ok();
}

Result<std::string> StagingArea::Write(const std::string& rel, std::span<const uint8_t> head,
                                       std::span<const uint8_t> tail, std::string* existing) {
  const std::string path = root_ + "/" + rel;
  Status s = EnsureParent(path);
  if (!s.ok()) return s;
  // A plain create: cheaper than O_TMPFILE + linkat on ext4 (no orphan list),
  // and atomicity is not needed here (see Write's contract).
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0 && errno == EEXIST) {
    if (existing) *existing = path;
    return Status::Error(ErrorCode::kDuplicate, "already staged in this run");
  }
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot create a staging file: " + std::string(std::strerror(errno)));
  const bool written = WriteAll(fd, head, tail);
  const int err = errno;
  if (::close(fd) != 0 || !written) {
    ::unlink(path.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot write a staging file: " + std::string(std::strerror(err)));
  }
  return path;
}

Status StagingArea::Promote(const std::string& staging_path, const std::string& output_path) {
  Status s = EnsureParent(output_path);
  if (!s.ok()) return s;
  if (no_overwrite_) return PromoteNoReplace(staging_path, output_path);
  if (::rename(staging_path.c_str(), output_path.c_str()) == 0) return Status::Ok();
  const int err = errno;
  struct stat st {};
  if (err == ENOENT && ::stat(output_path.c_str(), &st) == 0) return Status::Ok();  // moved before a crash
  return Status::Error(ErrorCode::kIoError, "cannot move a staged file into the output: " + std::string(std::strerror(err)));
}

Status StagingArea::PromoteNoReplace(const std::string& staging_path, const std::string& output_path) {
  if (::renameat2(AT_FDCWD, staging_path.c_str(), AT_FDCWD, output_path.c_str(), RENAME_NOREPLACE) == 0)
    return Status::Ok();
  const int err = errno;
  struct stat st {};
  if (err == ENOENT && ::stat(output_path.c_str(), &st) == 0) return Status::Ok();  // moved before a crash
  if (err != EEXIST)
    return Status::Error(ErrorCode::kIoError, "cannot move a staged file into the output: " + std::string(std::strerror(err)));
  // Someone else's file is there: the same bytes are the same release.
  struct stat staged {};
  if (::stat(staging_path.c_str(), &staged) != 0)
    return Status::Error(ErrorCode::kIoError, "the staged file is gone: " + std::string(std::strerror(errno)));
  const auto bytes = [](const std::string& p) {
    std::vector<uint8_t> b;
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return b;
    uint8_t buf[1 << 16];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) b.insert(b.end(), buf, buf + n);
    ::close(fd);
    return b;
  };
  const auto mine = bytes(staging_path);
  if (static_cast<int64_t>(mine.size()) == staged.st_size && !OtherBytesAt(output_path, staged.st_size, Sha256Hex(mine))) {
    ::unlink(staging_path.c_str());
    return Status::Ok();
  }
  return Status::Error(ErrorCode::kUnsafe, "output collision: another file is at this object's output path; not overwritten");
}

Result<int> StagingArea::Clear() {
  int removed = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(root_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code rm;
    const auto n = fs::remove_all(it->path(), rm);
    if (rm) return Status::Error(ErrorCode::kIoError, "cannot clear the staging area: " + rm.message());
    removed += static_cast<int>(n);
  }
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot list the staging area: " + ec.message());
  std::lock_guard<std::mutex> lock(mu_);
  dirs_.clear();
  return removed;
}

}  // namespace rwd::gateway
