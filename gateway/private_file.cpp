#include "gateway/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace rwd::gateway {
namespace fs = std::filesystem;

Status MakePrivateDirs(const std::string& dir) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = fs::path(dir); !p.empty() && !fs::exists(fs::symlink_status(p, ec)); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
      return Status::Error(ErrorCode::kIoError, "cannot create " + it->string() + ": " + std::strerror(errno));
  if (::chmod(dir.c_str(), 0700) != 0)
    return Status::Error(ErrorCode::kIoError, "cannot make " + dir + " owner-only: " + std::strerror(errno));
  return Status::Ok();
}

Result<PrivateFileWriter> PrivateFileWriter::Open(const std::string& path) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(errno));
  PrivateFileWriter w(path, fd);
  if (::fchmod(fd, 0600) != 0) w.error_ = errno;  // an older temporary file keeps its mode otherwise
  return w;
}

PrivateFileWriter::PrivateFileWriter(PrivateFileWriter&& other) noexcept
    : path_(std::move(other.path_)), buffer_(std::move(other.buffer_)), fd_(other.fd_), error_(other.error_) {
  other.fd_ = -1;
}

PrivateFileWriter::~PrivateFileWriter() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink((path_ + ".tmp").c_str());
}

bool PrivateFileWriter::Flush() {
  for (size_t done = 0; error_ == 0 && done < buffer_.size();) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) error_ = n < 0 ? errno : EIO;
    else done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return error_ == 0;
}

void PrivateFileWriter::Write(std::string_view data) {
  if (error_ != 0) return;
  buffer_.append(data);
  if (buffer_.size() >= (1u << 20)) Flush();
}

Status PrivateFileWriter::Commit() {
  const std::string tmp = path_ + ".tmp";
  Flush();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && error_ == 0) error_ = errno;
  if (error_ != 0) {
    ::unlink(tmp.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(error_));
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int rename_err = errno;
    ::unlink(tmp.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot rename to " + path_ + ": " + std::strerror(rename_err));
  }
  return Status::Ok();
}

Status WritePrivateFile(const std::string& path, std::string_view data) {
  auto w = PrivateFileWriter::Open(path);
  if (!w.ok()) return w.status();
  w->Write(data);
  return w->Commit();
}

}  // namespace rwd::gateway
