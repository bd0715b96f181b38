#pragma once
// What rwdgate writes under the work dir is owner-only: files 0600, folders
// 0700, whatever the umask (a cron job's is often 022). Reports, manifests,
// QC results and renders describe patients even when de-identified, and the
// work dir also holds originals and keys.
#include <string>
#include <string_view>

#include "core/status.h"

namespace rwd::gateway {

// Creates every missing folder of `dir` with mode 0700 and makes `dir` itself
// 0700 (it may exist from an older version with 0755).
Status MakePrivateDirs(const std::string& dir);

// Writes `data` as the whole of `path`, mode 0600: to a temporary name beside
// it (never through a symbolic link), then renamed over `path`, so a reader
// sees the old file or the new one, never a part.
Status WritePrivateFile(const std::string& path, std::string_view data);

// The same guarantees for a file written in pieces (reports and manifests of
// any size, without holding them in memory): Open, Write..., Commit.
// Destroyed before Commit, it removes its temporary file.
class PrivateFileWriter {
 public:
  static Result<PrivateFileWriter> Open(const std::string& path);
  PrivateFileWriter(PrivateFileWriter&& other) noexcept;
  PrivateFileWriter& operator=(PrivateFileWriter&&) = delete;
  PrivateFileWriter(const PrivateFileWriter&) = delete;
  ~PrivateFileWriter();
  void Write(std::string_view data);  // buffered; an error shows at Commit
  Status Commit();

 private:
  PrivateFileWriter(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  bool Flush();
  std::string path_, buffer_;
  int fd_ = -1, error_ = 0;
};

}  // namespace rwd::gateway
