#pragma once
// Small helpers shared by tests: temporary folders, running the rwdgate
// binary, reading files.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rwd::testing {

// A fresh folder under the system temp folder, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs a shell command line; captures stdout and stderr.
CommandResult RunShell(const std::string& command_line);

std::vector<uint8_t> ReadBytes(const std::string& path);
std::string ReadText(const std::string& path);
void WriteText(const std::string& path, const std::string& text);
// Every regular file below `root`, sorted.
std::vector<std::string> ListFiles(const std::string& root);
// The DICOM files of a cohort folder: every file below `root` except the
// signed release manifest at its top (manifest.jsonl, .sig, .pub.pem).
std::vector<std::string> ListReleased(const std::string& root);
// Quotes for /bin/sh.
std::string Quote(const std::string& s);

}  // namespace rwd::testing
