#include "anonymizer/secret_key.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"

namespace rwd::anon {
namespace fs = std::filesystem;

namespace {
Status KeyError(const std::string& path, const std::string& what) {
  return Status::Error(ErrorCode::kKeyError, path + ": " + what);
}
}  // namespace

Result<SecretKey> LoadOrCreateKey(const std::string& path) {
  SecretKey key;
  key.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return KeyError(path, std::strerror(errno));
    std::error_code ec;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    key.bytes.resize(32);
    if (RAND_bytes(key.bytes.data(), 32) != 1) return KeyError(path, "no randomness for a new key");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return KeyError(path, std::string("cannot create: ") + std::strerror(errno));
    const std::string hex = ToHex(key.bytes) + "\n";
    const bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return KeyError(path, "cannot write the new key");
    key.created = true;
    return key;
  }
  if ((st.st_mode & 077) != 0)
    return KeyError(path, "readable by group or others; run: chmod 600 " + path);
  std::ifstream in(path);
  std::string hex;
  in >> hex;
  if (hex.size() != 64) return KeyError(path, "must hold 64 hex digits (32 bytes)");
  for (size_t i = 0; i < 64; i += 2) {
    const std::string byte = hex.substr(i, 2);
    if (!std::isxdigit(static_cast<unsigned char>(byte[0])) || !std::isxdigit(static_cast<unsigned char>(byte[1])))
      return KeyError(path, "must hold 64 hex digits (32 bytes)");
    key.bytes.push_back(static_cast<uint8_t>(std::stoi(byte, nullptr, 16)));
  }
  return key;
}

}  // namespace rwd::anon
