#include "gateway/listen/spool.h"
#include "gateway/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

namespace rwd::gateway {
namespace fs = std::filesystem;
namespace {

std::atomic<uint64_t> g_sequence{0};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool FsyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Result<Spool> Spool::Open(const std::string& work_dir, uint64_t min_free_bytes) {
  const std::string root = work_dir + "/spool";
  if (Status made = MakePrivateDirs(root + "/incoming"); !made.ok()) return made;
  ::chmod(root.c_str(), 0700);  // originals, with PHI
  std::error_code ec;
  for (auto it = fs::directory_iterator(root + "/incoming", ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code rm;
    fs::remove(it->path(), rm);  // never acknowledged
  }
  return Spool(root, min_free_bytes);
}

std::string Spool::NewIncomingPath() {
  return root_ + "/incoming/" + std::to_string(NowMs()) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(g_sequence++) + ".part";
}

Status Spool::Commit(const std::string& incoming, const std::string& batch) {
  const std::string dir = BatchDir(batch);
  std::error_code ec;
  if (Status made = MakePrivateDirs(dir); !made.ok()) return made;
  ::chmod(incoming.c_str(), 0600);  // DCMTK created it with the umask's mode; originals, with PHI
  if (!FsyncPath(incoming, O_RDONLY))
    return Status::Error(ErrorCode::kIoError, "cannot fsync a spooled object: " + std::string(std::strerror(errno)));
  std::string name = fs::path(incoming).filename().string();
  name.replace(name.size() - 5, 5, ".dcm");
  if (::rename(incoming.c_str(), (dir + "/" + name).c_str()) != 0)
    return Status::Error(ErrorCode::kIoError, "cannot move a spooled object: " + std::string(std::strerror(errno)));
  if (!FsyncPath(dir, O_RDONLY | O_DIRECTORY))
    return Status::Error(ErrorCode::kIoError, "cannot fsync the spool: " + std::string(std::strerror(errno)));
  return Status::Ok();
}

bool Spool::LowOnSpace() const {
  struct statvfs st {};
  if (::statvfs(root_.c_str(), &st) != 0) return true;  // unknown: refuse rather than lose
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize < min_free_;
}

std::string Spool::NewBatchName() {
  // batch-<ms, 15 digits>-<seq>: sorts in creation order.
  char name[64];
  std::snprintf(name, sizeof name, "batch-%015lld-%06llu", static_cast<long long>(NowMs()),
                static_cast<unsigned long long>(g_sequence++ % 1000000));
  return name;
}

std::vector<std::string> Spool::ExistingBatches() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(root_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string n = it->path().filename().string();
    if (n.rfind("batch-", 0) == 0 && it->is_directory()) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status Spool::RemoveBatch(const std::string& batch) {
  std::error_code ec;
  fs::remove_all(BatchDir(batch), ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot remove a spool batch: " + ec.message());
  return Status::Ok();
}

}  // namespace rwd::gateway
