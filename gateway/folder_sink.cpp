#include "gateway/folder_sink.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace rwd::gateway {
namespace fs = std::filesystem;

std::string FolderSink::SafeComponent(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '^' ? c : '_');
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

FolderSink::Claim FolderSink::ClaimPath(const std::string& rel, const std::string& sha, std::string* first,
                                        const std::string& source) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = claims_.emplace(rel, std::make_pair(sha, source));
  if (inserted) return Claim::kNew;
  if (first) *first = it->second.second;
  return it->second.first == sha ? Claim::kDuplicate : Claim::kConflict;
}

Status FolderSink::EnsureDir(const std::string& dir) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (dirs_.count(dir)) return Status::Ok();
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot create " + dir + ": " + ec.message());
  std::lock_guard<std::mutex> lock(mu_);
  dirs_.insert(dir);
  return Status::Ok();
}

Result<std::string> FolderSink::Write(const std::string& rel, std::span<const uint8_t> bytes,
                                      std::span<const uint8_t> more) {
  const std::string path = root_ + "/" + rel;
  Status s = EnsureDir(fs::path(path).parent_path().string());
  if (!s.ok()) return s;
  const std::string tmp = path + ".part" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()) % 100000);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot create " + tmp + ": " + std::strerror(errno));
  // One writev for both parts; loop for short writes.
  const size_t total = bytes.size() + more.size();
  size_t done = 0;
  while (done < total) {
    iovec iov[2];
    int n_iov = 0;
    if (done < bytes.size()) iov[n_iov++] = {const_cast<uint8_t*>(bytes.data()) + done, bytes.size() - done};
    const size_t more_done = done > bytes.size() ? done - bytes.size() : 0;
    if (more.size() > more_done) iov[n_iov++] = {const_cast<uint8_t*>(more.data()) + more_done, more.size() - more_done};
    const ssize_t n = ::writev(fd, iov, n_iov);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool wrote = done == total;
  const bool ok = ::close(fd) == 0 && wrote;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot write " + path + ": " + err);
  }
  return path;
}

}  // namespace rwd::gateway
