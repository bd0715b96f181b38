// The folder source finds every file; the folder sink writes atomically and
// refuses to release two different objects under one name.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "gateway/bounded_queue.h"
#include "gateway/folder_sink.h"
#include "gateway/folder_source.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::gateway;
using namespace rwd::testing;

TEST_CASE("the walk finds every file, with or without extension, hidden ones too, and skips excluded folders") {
  TempDir t;
  for (const char* f : {"a/b/c/IM0001", "a/b/c/IM0002.dcm", "a/.hidden", "DICOMDIR", "x y/z.txt", "out/skip.dcm"})
    WriteText(t.File(std::string("in/") + f), "x");
  fs::create_directories(t.File("in/empty/dir"));
  fs::create_symlink(t.File("in/a"), t.File("in/loop"));  // a link to a folder: reported, not followed
  std::vector<SourceItem> items;
  FolderSource(t.File("in"), {t.File("in/out")}).Walk([&](SourceItem i) { items.push_back(std::move(i)); });
  std::set<std::string> rel;
  for (const auto& i : items) rel.insert(i.rel_path);
  CHECK(rel == std::set<std::string>{"a/b/c/IM0001", "a/b/c/IM0002.dcm", "a/.hidden", "DICOMDIR", "x y/z.txt", "loop"});
  for (const auto& i : items) CHECK((i.rel_path == "loop") == !i.error.empty());
}

TEST_CASE("a folder that cannot be listed is reported, and the walk goes on") {
  if (::geteuid() == 0) {
    // root reads everything; simulate with a path that vanishes instead.
    TempDir t;
    WriteText(t.File("in/ok/a.dcm"), "x");
    std::vector<SourceItem> items;
    FolderSource(t.File("nope"), {}).Walk([&](SourceItem i) { items.push_back(std::move(i)); });
    REQUIRE(items.size() == 1);
    CHECK_FALSE(items[0].error.empty());
    return;
  }
  TempDir t;
  WriteText(t.File("in/locked/a.dcm"), "x");
  WriteText(t.File("in/ok/b.dcm"), "x");
  ::chmod(t.File("in/locked").c_str(), 0);
  std::vector<SourceItem> items;
  FolderSource(t.File("in"), {}).Walk([&](SourceItem i) { items.push_back(std::move(i)); });
  ::chmod(t.File("in/locked").c_str(), 0755);
  CHECK(items.size() == 2);
}

TEST_CASE("the sink writes whole files, refuses conflicts, and makes safe path components") {
  TempDir t;
  FolderSink sink(t.File("out"));
  const std::vector<uint8_t> head = {1, 2, 3}, tail = {4, 5};
  auto w = sink.Write("p/s/x.dcm", head, tail);
  REQUIRE(w.ok());
  CHECK(ReadBytes(*w) == std::vector<uint8_t>{1, 2, 3, 4, 5});
  // Rewriting the same name (a rerun) replaces it.
  REQUIRE(sink.Write("p/s/x.dcm", tail).ok());
  CHECK(ReadBytes(t.File("out/p/s/x.dcm")) == tail);
  // No temporary file is left behind.
  CHECK(ListFiles(t.File("out")).size() == 1);

  std::string first;
  CHECK(sink.ClaimPath("a.dcm", "h1", &first, "src1") == FolderSink::Claim::kNew);
  CHECK(sink.ClaimPath("a.dcm", "h1", &first, "src2") == FolderSink::Claim::kDuplicate);
  CHECK(first == "src1");
  CHECK(sink.ClaimPath("a.dcm", "h2", &first, "src3") == FolderSink::Claim::kConflict);

  CHECK(FolderSink::SafeComponent("2.25.123") == "2.25.123");
  CHECK(FolderSink::SafeComponent("../etc") == ".._2Fetc");
  CHECK(FolderSink::SafeComponent("..") == "_2E_2E");
  CHECK(FolderSink::SafeComponent(".") == "_2E");
  CHECK(FolderSink::SafeComponent("") == "_");
  CHECK(FolderSink::SafeComponent("a/b\\c") == "a_2Fb_5Cc");
}

// Issue 15, defect 10: two different identifiers that the old mapping sent to
// one name ("1.2/3" and "1.2_3" both became "1.2_3") were quarantined as a
// false UID conflict.
TEST_CASE("path components of distinct identifiers never collide") {
  const std::vector<std::string> ids = {"1.2/3", "1.2_3", "1.2\\3", "1.2 3", "_", "", ".", "..", "_2E", "a;rm -rf",
                                        "a:rm -rf", std::string(300, '9'), std::string(300, '9') + "1",
                                        std::string("x\0y", 3), "x"};
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    const std::string c = FolderSink::SafeComponent(id);
    CHECK(seen.insert(c).second);
    CHECK(c.size() <= 200);
    CHECK(c != ".");
    CHECK(c != "..");
    CHECK(c.find('/') == std::string::npos);
    CHECK(c.find('\0') == std::string::npos);
  }
}

TEST_CASE("the bounded queue hands every item to one consumer and ends when closed") {
  BoundedQueue<int> q(4);
  std::vector<int> got;
  std::mutex mu;
  std::vector<std::thread> consumers;
  for (int c = 0; c < 2; ++c)
    consumers.emplace_back([&] {
      while (auto v = q.Pop()) {
        std::lock_guard<std::mutex> lock(mu);
        got.push_back(*v);
      }
    });
  for (int i = 0; i < 1000; ++i) q.Push(i);
  q.Close();
  for (auto& c : consumers) c.join();
  std::sort(got.begin(), got.end());
  REQUIRE(got.size() == 1000);
  for (int i = 0; i < 1000; ++i) CHECK(got[i] == i);
}
