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

Status WritePrivateFile(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;  // an older temporary file keeps its mode otherwise
  for (size_t done = 0; ok && done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  const int err = errno;
  if (::close(fd) != 0 || !ok) {
    ::unlink(tmp.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int rename_err = errno;
    ::unlink(tmp.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot rename to " + path + ": " + std::strerror(rename_err));
  }
  return Status::Ok();
}

}  // namespace rwd::gateway
