#include "gateway/release_manifest.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "core/crypto.h"

namespace rwd::gateway {
namespace fs = std::filesystem;
namespace {

Status IoError(const std::string& path, const std::string& what) {
  return Status::Error(ErrorCode::kIoError, path + ": " + what + ": " + std::strerror(errno));
}

std::string UtcNow() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool SafePath(const std::string& p) {
  if (p.empty() || p.front() == '/' || p.back() == '/') return false;
  size_t start = 0;
  for (size_t i = 0; i <= p.size(); ++i) {
    if (i < p.size() && p[i] != '/') {
      const char c = p[i];
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
            c == '^' || c == '-'))
        return false;
      continue;
    }
    const std::string_view comp(p.data() + start, i - start);
    if (comp.empty() || comp == "." || comp == "..") return false;
    start = i + 1;
  }
  return true;
}

bool IsHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Writes `data` to `path` through a temporary file, synced, then renamed.
Status WriteFileAtomically(const std::string& path, std::string_view data, mode_t mode) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());  // processes may share the root
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return IoError(tmp, "cannot create");
  const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return IoError(path, "cannot write");
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ReleaseManifest>> ReleaseManifest::Open(const std::string& release_root, int64_t run_id,
                                                               std::string profile_sha256,
                                                               std::string signing_key_pem) {
  if (!Ed25519PublicPem(signing_key_pem).ok())
    return Status::Error(ErrorCode::kKeyError, "the manifest signing key is not an Ed25519 private key");
  std::unique_ptr<ReleaseManifest> m(new ReleaseManifest());
  m->root_ = release_root;
  // One partial file per process: shards of a sharded run share the release root.
  m->partial_path_ =
      (fs::path(release_root) / (std::string(kManifestFile) + ".partial." + std::to_string(::getpid()))).string();
  m->run_id_ = run_id;
  m->profile_sha256_ = std::move(profile_sha256);
  m->signing_key_pem_ = std::move(signing_key_pem);
  m->fd_ = ::open(m->partial_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (m->fd_ < 0) return IoError(m->partial_path_, "cannot create");
  return m;
}

ReleaseManifest::~ReleaseManifest() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(partial_path_.c_str());
  }
}

Status ReleaseManifest::WriteLine(const std::string& line) {
  std::string data = line + "\n";
  for (size_t done = 0; done < data.size();) {
    const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError(partial_path_, "cannot write");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<ManifestLine> ReleaseManifest::Append(ManifestEntry e) {
  if (!SafePath(e.path))
    return Status::Error(ErrorCode::kInvalidArgument, "manifest path is not a safe relative path: " + e.path);
  if (!IsHex64(e.sha256)) return Status::Error(ErrorCode::kInvalidArgument, "manifest sha256 is not 64 hex digits");
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return Status::Error(ErrorCode::kInvalidArgument, "the manifest is finished");
  e.seq = count_ + 1;
  e.run_id = run_id_;
  e.profile_sha256 = profile_sha256_;
  if (e.time.empty()) e.time = UtcNow();
  const std::string content = EntryContent(e);
  const std::string chain = ChainNext(chain_, content);
  Status s = WriteLine(WithChain(content, chain));
  if (!s.ok()) return s;
  chain_ = chain;
  ++count_;
  return ManifestLine{e.seq, chain, e.time};
}

Status ReleaseManifest::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return Status::Error(ErrorCode::kInvalidArgument, "the manifest is finished");
  finished_ = true;
  if (count_ == 0) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(partial_path_.c_str());
    return Status::Ok();
  }
  const std::string end = EndContent(count_, run_id_, chain_);
  Status s = WriteLine(WithChain(end, ChainNext(chain_, end)));
  if (!s.ok()) return s;
  if (::fsync(fd_) != 0) return IoError(partial_path_, "cannot sync");
  ::close(fd_);
  fd_ = -1;
  // Shards of a sharded run finish into one root: one at a time, so the
  // manifest, its signature and key on disk always belong together.
  const int root_fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return IoError(root_, "cannot open");
  struct RootLock {
    int fd;
    ~RootLock() { ::close(fd); }  // closing releases the flock
  } root_lock{root_fd};
  while (::flock(root_fd, LOCK_EX) != 0)
    if (errno != EINTR) return IoError(root_, "cannot lock");
  const std::string manifest = (fs::path(root_) / kManifestFile).string();
  if (::rename(partial_path_.c_str(), manifest.c_str()) != 0) return IoError(manifest, "cannot rename into place");

  // Sign what is on disk, byte for byte.
  std::error_code ec;
  const auto size = fs::file_size(manifest, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, manifest + ": " + ec.message());
  std::string text(size, '\0');
  const int fd = ::open(manifest.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError(manifest, "cannot read back");
  const bool read_ok = ::read(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!read_ok) return IoError(manifest, "cannot read back");
  auto sig = Ed25519Sign(signing_key_pem_,
                         std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  if (!sig.ok()) return sig.status();
  auto pub = Ed25519PublicPem(signing_key_pem_);
  if (!pub.ok()) return pub.status();
  s = WriteFileAtomically((fs::path(root_) / kManifestSignatureFile).string(),
                          std::string_view(reinterpret_cast<const char*>(sig->data()), sig->size()), 0644);
  if (!s.ok()) return s;
  return WriteFileAtomically((fs::path(root_) / kManifestPublicKeyFile).string(), *pub, 0644);
}

int64_t ReleaseManifest::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}
std::string ReleaseManifest::chain_head() const {
  std::lock_guard<std::mutex> lock(mu_);
  return chain_;
}

}  // namespace rwd::gateway
