#include "gateway/stages/ingest_stage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/crypto.h"

namespace rwd::gateway {

StageResult IngestStage::Run(ObjectContext& o) {
  const int fd = ::open(o.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return StageResult::Reject(ErrorCode::kIoError, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return StageResult::Reject(ErrorCode::kIoError, "not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes_) {
    ::close(fd);
    return StageResult::Quarantine(ErrorCode::kUnsafe, "larger than the per-object limit of " +
                                                           std::to_string(max_bytes_ >> 20) + " MiB");
  }
  o.bytes.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < o.bytes.size()) {
    const ssize_t n = ::read(fd, o.bytes.data() + got, o.bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got != o.bytes.size()) return StageResult::Reject(ErrorCode::kIoError, "short read (file changed while reading?)");
  o.sha256_in = Sha256Hex(std::span<const uint8_t>(o.bytes.data(), o.bytes.size()));
  if (o.bytes.empty()) return StageResult::Reject(ErrorCode::kEmptyFile, "empty file (0 bytes)");
  return StageResult::Continue();
}

}  // namespace rwd::gateway
