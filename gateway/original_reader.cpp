#include "gateway/original_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/sealed_text.h"

namespace rwd::gateway {

Result<std::vector<uint8_t>> ReadOriginal(const db::StagedObject& o, const OriginalSource& source) {
  std::string rel = o.source_path;
  if (!o.source_sealed.empty()) {
    if (!source.path_key) return Status::Error(ErrorCode::kIoError, "the source path is sealed and no key was given");
    auto opened = OpenSealedText(*source.path_key, o.source_sealed);
    if (!opened.ok()) return Status::Error(ErrorCode::kIoError, "the source path does not open with this key");
    rel = *opened;
  }
  const std::string path = source.input_dir + "/" + rel;
  std::vector<uint8_t> bytes;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "the original is no longer readable");
  uint8_t buf[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  ::close(fd);
  if (n < 0) return Status::Error(ErrorCode::kIoError, "the original is no longer readable");
  if (Sha256Hex(bytes) != o.sha256_in) return Status::Error(ErrorCode::kIoError, "the original changed since it was read");
  return bytes;
}

}  // namespace rwd::gateway
