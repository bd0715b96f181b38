// Owner-only files under the work dir: whole or in pieces, never half
// written, never through a link, 0600 whatever the umask.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gateway/private_file.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::gateway;

namespace {
mode_t ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}
}  // namespace

TEST_CASE("a file written in pieces appears whole at Commit, mode 0600; abandoned, it leaves nothing") {
  testing::TempDir tmp;
  const std::string path = tmp.File("report.html");
  const mode_t old = ::umask(022);
  std::ofstream(path) << "old";
  ::chmod(path.c_str(), 0644);
  std::string expected;
  {
    auto w = PrivateFileWriter::Open(path);
    REQUIRE(w.ok());
    for (int i = 0; i < 3000; ++i) {  // past the 1 MiB buffer, so some pieces are written before Commit
      const std::string piece(1000, static_cast<char>('a' + i % 26));
      w->Write(piece);
      expected += piece;
    }
    CHECK(testing::ReadText(path) == "old");  // readers still see the old file
    REQUIRE(w->Commit().ok());
  }
  ::umask(old);
  CHECK(testing::ReadText(path) == expected);
  CHECK(ModeOf(path) == 0600);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));

  {
    auto w = PrivateFileWriter::Open(tmp.File("abandoned.json"));
    REQUIRE(w.ok());
    w->Write(std::string(3u << 20, 'x'));
  }  // no Commit: an error path
  CHECK_FALSE(std::filesystem::exists(tmp.File("abandoned.json")));
  CHECK_FALSE(std::filesystem::exists(tmp.File("abandoned.json.tmp")));
}

TEST_CASE("a link planted at the temporary name is refused, and its target untouched") {
  testing::TempDir tmp;
  std::ofstream(tmp.File("target")) << "precious";
  std::filesystem::create_symlink(tmp.File("target"), tmp.File("qc.json.tmp"));
  CHECK_FALSE(WritePrivateFile(tmp.File("qc.json"), "new").ok());
  CHECK_FALSE(PrivateFileWriter::Open(tmp.File("qc.json")).ok());
  CHECK(testing::ReadText(tmp.File("target")) == "precious");
  CHECK_FALSE(std::filesystem::exists(tmp.File("qc.json")));
}
