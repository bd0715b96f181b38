#include "gateway/signing_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"

namespace rwd::gateway {
namespace fs = std::filesystem;
namespace {

Status KeyError(const std::string& path, const std::string& what) {
  return Status::Error(ErrorCode::kKeyError, path + ": " + what);
}

Status WriteNew(const std::string& path, const std::string& text, mode_t mode) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return KeyError(tmp, std::string("cannot create: ") + std::strerror(errno));
  const bool ok = ::fchmod(fd, mode) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return KeyError(path, "cannot write");
  return Status::Ok();
}

}  // namespace

Result<SigningKeyFiles> CreateSigningKey(const std::string& workdir, bool replace) {
  SigningKeyFiles files;
  files.private_path = (fs::path(workdir) / kSigningKeyFile).string();
  files.public_path = (fs::path(workdir) / kSigningPublicKeyFile).string();
  std::error_code ec;
  if (!fs::exists(workdir, ec)) {
    fs::create_directories(workdir, ec);
    if (ec) return KeyError(workdir, "cannot create: " + ec.message());
    ::chmod(workdir.c_str(), 0700);
  }
  if (fs::exists(files.private_path, ec) && !replace)
    return KeyError(files.private_path, "exists; a new key needs --force (old manifests keep the old key)");
  auto pair = GenerateEd25519KeyPair();
  if (!pair.ok()) return pair.status();
  Status s = WriteNew(files.private_path, pair->private_pem, 0600);
  if (!s.ok()) return s;
  s = WriteNew(files.public_path, pair->public_pem, 0600);  // under the work dir: owner-only like everything there
  if (!s.ok()) return s;
  files.public_pem = pair->public_pem;
  auto fp = Ed25519Fingerprint(pair->public_pem);
  if (!fp.ok()) return fp.status();
  files.fingerprint = *fp;
  return files;
}

Result<std::string> LoadSigningKey(const std::string& workdir) {
  const std::string path = (fs::path(workdir) / kSigningKeyFile).string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return KeyError(path, "no manifest signing key; make one with: rwdgate keygen --sign --workdir " + workdir);
  if ((st.st_mode & 077) != 0) return KeyError(path, "readable by group or others; run: chmod 600 " + path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string pem = ss.str();
  if (!Ed25519PublicPem(pem).ok()) return KeyError(path, "not an Ed25519 private key (PEM)");
  return pem;
}

}  // namespace rwd::gateway
