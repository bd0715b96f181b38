#include "gateway/folder_sink.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/crypto.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

std::string FolderSink::SafeComponent(std::string_view s) {
  // Injective: [A-Za-z0-9.^-] stay, every other byte (the escape '_'
  // included) becomes _XX, so distinct identifiers never share a name.
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.' || c == '-' || c == '^') {
      out.push_back(c);
    } else {
      out.push_back('_');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  if (out.empty()) return "_";  // no non-empty input encodes to a bare "_"
  if (out == "." || out == "..") return out == "." ? "_2E" : "_2E_2E";
  // A name stays under NAME_MAX: long ones keep a prefix and a hash of the
  // whole ('~' never appears otherwise).
  if (out.size() > 200) out = out.substr(0, 120) + "~" + Sha256Hex(s);
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
  // An unnamed file linked into place once complete (O_TMPFILE): readers
  // never see a partial object, at the cost of one directory operation. Where
  // the file system lacks O_TMPFILE, or the name exists (a rerun), a
  // temporary name is renamed over it instead.
  const std::string dir = fs::path(path).parent_path().string();
  // Owner-only: the quarantine holds originals with PHI.
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  const bool unnamed = fd >= 0;
  const std::string tmp = path + ".part" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()) % 100000);
  if (!unnamed) fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot create a file in " + dir + ": " + std::strerror(errno));
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
  if (done != total) {
    const std::string err = std::strerror(errno);
    ::close(fd);
    if (!unnamed) ::unlink(tmp.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot write " + path + ": " + err);
  }
  if (unnamed) {
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      if (::close(fd) != 0) return Status::Error(ErrorCode::kIoError, "cannot close " + path);
      return path;
    }
    // The name exists (a rerun): link under a temporary name, then rename over.
    ::unlink(tmp.c_str());
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      return Status::Error(ErrorCode::kIoError, "cannot link " + path + ": " + err);
    }
  }
  const bool closed = ::close(fd) == 0;
  if (!closed || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot write " + path + ": " + err);
  }
  return path;
}

}  // namespace rwd::gateway
