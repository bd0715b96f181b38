#include "gateway/release_manifest.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>

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

// Writes `data` to `path`.tmp, synced; the caller renames it into place.
Status WriteTemporary(const std::string& path, std::string_view data, mode_t mode) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return IoError(tmp, "cannot create");
  bool ok = true;
  for (size_t done = 0; ok && done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return IoError(tmp, "cannot write");
  return Status::Ok();
}

Status RenameTemporary(const std::string& path) {
  if (::rename((path + ".tmp").c_str(), path.c_str()) != 0) return IoError(path, "cannot rename into place");
  return Status::Ok();
}

// The file's bytes; "" with `exists` false when there is none.
Status ReadIfExists(const std::string& path, std::string& out, bool& exists) {
  out.clear();
  exists = false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();
    return IoError(path, "cannot open");
  }
  exists = true;
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return IoError(path, "cannot read");
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::Ok();
}

std::span<const uint8_t> Bytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

// The segment file holds one object per line: its row id, a tab, its time,
// a tab, then its content after the seq (EntryContentAfterSeq: JSON, so no
// raw tab or newline), which is all a line needs once its seq is known.
std::string SegmentLine(int64_t object_id, const ManifestEntry& e) {
  return std::to_string(object_id) + "\t" + e.time + "\t" + EntryContentAfterSeq(e) + "\n";
}

struct SegmentLineView {
  int64_t object_id = 0;
  std::string_view time, after_seq;
};
bool ParseSegmentLine(std::string_view line, SegmentLineView& out) {
  const size_t a = line.find('\t'), b = a == std::string_view::npos ? a : line.find('\t', a + 1);
  if (b == std::string_view::npos) return false;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + a, out.object_id);
  if (ec != std::errc() || end != line.data() + a) return false;
  out.time = line.substr(a + 1, b - a - 1);
  out.after_seq = line.substr(b + 1);
  return !out.after_seq.empty() && out.after_seq.front() == ',' && out.after_seq.back() == '}';
}

// Calls `fn` for each line of the segment file at `path`, in order.
Status ForEachSegmentLine(const std::string& path, const std::function<void(const SegmentLineView&)>& fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path, "cannot read");
  SegmentLineView v;
  for (std::string line; std::getline(in, line);) {
    if (!ParseSegmentLine(line, v)) return Status::Error(ErrorCode::kIoError, path + ": a line cannot be read back");
    fn(v);
  }
  return Status::Ok();
}

// The chain value and seq of the manifest's last line, which must be a final line.
Status LastLine(const std::string& manifest, std::string& chain, int64_t& seq) {
  const Status bad = Status::Error(ErrorCode::kUnsafe, std::string(kManifestFile) +
                                                           " does not end with a final line: not extended");
  if (manifest.empty() || manifest.back() != '\n') return bad;
  const size_t start = manifest.rfind('\n', manifest.size() - 2);
  const std::string last = manifest.substr(start == std::string::npos ? 0 : start + 1,
                                           manifest.size() - 1 - (start == std::string::npos ? 0 : start + 1));
  auto split = SplitChain(last);
  if (!split) return bad;
  const nlohmann::json j = nlohmann::json::parse(split->content, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("type", "") != "end" || !j.contains("seq") ||
      !j["seq"].is_number_integer())
    return bad;
  chain = split->chain;
  seq = j["seq"].get<int64_t>();
  return Status::Ok();
}

// An exclusive lock on a folder, held while the object lives.
class FolderLock {
 public:
  explicit FolderLock(const std::string& dir)
      : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) {
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool held() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<ReleaseManifest>> ReleaseManifest::Open(const std::string& release_root,
                                                               const std::string& scratch_dir, int64_t run_id,
                                                               std::string profile_sha256,
                                                               std::string signing_key_pem) {
  if (!Ed25519PublicPem(signing_key_pem).ok())
    return Status::Error(ErrorCode::kKeyError, "the manifest signing key is not an Ed25519 private key");
  std::unique_ptr<ReleaseManifest> m(new ReleaseManifest());
  m->root_ = release_root;
  m->run_id_ = run_id;
  m->profile_sha256_ = std::move(profile_sha256);
  m->signing_key_pem_ = std::move(signing_key_pem);
  // Segments of killed runs: their rows are listed again from the database.
  std::error_code ec;
  for (auto it = fs::directory_iterator(scratch_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("manifest-run-", 0) == 0 && it->path().extension() == ".segment") fs::remove(it->path(), ec);
  }
  m->segment_path_ = (fs::path(scratch_dir) / ("manifest-run-" + std::to_string(run_id) + ".segment")).string();
  m->fd_ = ::open(m->segment_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (m->fd_ < 0) return IoError(m->segment_path_, "cannot create");
  return m;
}

ReleaseManifest::~ReleaseManifest() { DropSegment(); }

Status ReleaseManifest::Append(int64_t object_id, ManifestEntry e) {
  if (!SafePath(e.path))
    return Status::Error(ErrorCode::kInvalidArgument, "manifest path is not a safe relative path");
  if (!IsHex64(e.sha256)) return Status::Error(ErrorCode::kInvalidArgument, "manifest sha256 is not 64 hex digits");
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return Status::Error(ErrorCode::kInvalidArgument, "the manifest is finished");
  if (e.run_id == 0) e.run_id = run_id_;
  if (e.profile_sha256.empty()) e.profile_sha256 = profile_sha256_;
  if (e.time.empty()) e.time = UtcNow();
  if (e.time.find_first_of("\t\n") != std::string::npos)
    return Status::Error(ErrorCode::kInvalidArgument, "manifest time is not a UTC time");
  const std::string line = SegmentLine(object_id, e);
  for (size_t done = 0; done < line.size();) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError(segment_path_, "cannot write");
    done += static_cast<size_t>(n);
  }
  ++count_;
  return Status::Ok();
}

Status ReleaseManifest::WriteManifest(std::vector<Recorded>* recorded) {
  const std::string manifest_path = (fs::path(root_) / kManifestFile).string();
  const std::string sig_path = (fs::path(root_) / kManifestSignatureFile).string();
  const std::string pub_path = (fs::path(root_) / kManifestPublicKeyFile).string();
  auto pub = Ed25519PublicPem(signing_key_pem_);
  if (!pub.ok()) return pub.status();
  std::string text, sig_old;
  bool exists = false, sig_exists = false;
  Status s = ReadIfExists(manifest_path, text, exists);
  if (!s.ok()) return s;
  std::string chain(kChainGenesis);
  int64_t seq = 0;
  if (exists) {
    // Never extend (and so re-sign) what this key did not sign.
    s = ReadIfExists(sig_path, sig_old, sig_exists);
    if (!s.ok()) return s;
    bool verified = sig_exists && Ed25519Verify(*pub, Bytes(text), Bytes(sig_old)).ok();
    if (!verified) {
      // A run killed between the two renames below left the new signature
      // beside the new manifest: finish its rename.
      std::string sig_new;
      bool tmp_exists = false;
      s = ReadIfExists(sig_path + ".tmp", sig_new, tmp_exists);
      if (s.ok() && tmp_exists && Ed25519Verify(*pub, Bytes(text), Bytes(sig_new)).ok())
        verified = RenameTemporary(sig_path).ok();
    }
    if (!verified)
      return Status::Error(ErrorCode::kUnsafe,
                           std::string(kManifestFile) +
                               " in the release folder does not verify with this work dir's signing key (edited, or "
                               "signed by another key): not extended. Check it with `rwdgate verify`, then move "
                               "manifest.jsonl and manifest.sig aside to start a new one");
    s = LastLine(text, chain, seq);
    if (!s.ok()) return s;
  }
  if (recorded) recorded->reserve(static_cast<size_t>(count_));
  s = ForEachSegmentLine(segment_path_, [&](const SegmentLineView& v) {
    ++seq;
    std::string content = "{\"seq\":" + std::to_string(seq);
    content += v.after_seq;
    chain = ChainNext(chain, content);
    text += WithChain(content, chain);
    text += '\n';
    if (recorded) recorded->push_back({v.object_id, ManifestLine{seq, chain, std::string(v.time)}});
  });
  if (!s.ok()) return s;
  const std::string end = EndContent(seq + 1, count_, run_id_, chain);
  text += WithChain(end, ChainNext(chain, end));
  text += '\n';
  auto sig = Ed25519Sign(signing_key_pem_, Bytes(text));
  if (!sig.ok()) return sig.status();
  // Both files complete on disk before either replaces the old one.
  s = WriteTemporary(manifest_path, text, 0644);
  if (s.ok()) s = WriteTemporary(sig_path, std::string_view(reinterpret_cast<const char*>(sig->data()), sig->size()), 0644);
  if (s.ok()) s = WriteTemporary(pub_path, *pub, 0644);
  if (s.ok()) s = RenameTemporary(manifest_path);
  if (s.ok()) s = RenameTemporary(sig_path);
  if (s.ok()) s = RenameTemporary(pub_path);
  if (!s.ok()) return s;
  if (const int dfd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

Status ReleaseManifest::Finish(const LineSink& recorded) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return Status::Error(ErrorCode::kInvalidArgument, "the manifest is finished");
  finished_ = true;
  if (count_ == 0) {
    DropSegment();
    return Status::Ok();
  }
  std::vector<Recorded> lines;
  {
    FolderLock folder(root_);
    if (!folder.held()) return IoError(root_, "cannot lock the release folder");
    Status written = WriteManifest(recorded ? &lines : nullptr);
    if (!written.ok()) return written;
  }
  // The rows follow the file, now that it is on disk.
  for (const Recorded& r : lines) {
    Status s = recorded(r.object_id, r.line);
    if (!s.ok()) return s;
  }
  DropSegment();
  return Status::Ok();
}

void ReleaseManifest::DropSegment() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(segment_path_.c_str());
}

int64_t ReleaseManifest::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

}  // namespace rwd::gateway
