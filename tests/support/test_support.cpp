#include "tests/support/test_support.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <atomic>
#include <fstream>
#include <random>
#include <sstream>

namespace rwd::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("rwd_test_" + std::to_string(rd()) + "_" + std::to_string(counter++));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  if (std::getenv("RWD_KEEP_TEST_DIRS")) return;  // for looking at a failed test's files
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CommandResult RunShell(const std::string& command_line) {
  TempDir tmp;
  const std::string out = tmp.File("stdout"), err = tmp.File("stderr");
  const int status = std::system((command_line + " >" + Quote(out) + " 2>" + Quote(err) + " </dev/null").c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadText(out);
  r.err = ReadText(err);
  return r;
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteText(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> ListFiles(const std::string& root) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); ++it)
    if (it->is_regular_file()) files.push_back(it->path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> ListReleased(const std::string& root) {
  std::vector<std::string> out;
  for (auto& f : ListFiles(root)) {
    const fs::path p(f);
    if (p.parent_path() == fs::path(root) && p.filename().string().rfind("manifest.", 0) == 0) continue;
    out.push_back(f);
  }
  return out;
}

}  // namespace rwd::testing
