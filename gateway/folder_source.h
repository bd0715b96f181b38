#pragma once
// Walks an export folder recursively and yields every file found, with or
// without extension; folders it cannot list are reported, not skipped.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rwd::gateway {

struct SourceItem {
  std::string path;      // full path
  std::string rel_path;  // relative to the root
  std::string error;     // non-empty: an entry that could not be read (e.g. a folder)
  int64_t mtime_ns = 0;  // set by the pipeline (stat) before the object stages; 0 = unknown
};

// Why the walk cannot read `path` (empty: it can): not a regular file, or a
// link to a file outside the root (`canonical_root`, ending in '/') when
// links are not followed. Shared by the walk and by sharded runs
// (list_source.h), so both refuse the same entries.
// `regular`, `directory`: what the entry is once links are followed;
// `link`: the entry itself is a symbolic link.
std::string EntryError(const std::string& path, bool regular, bool directory, bool link,
                       const std::string& canonical_root, bool follow_links);

class FolderSource {
 public:
  // Paths under `exclude` (e.g. an output folder inside the input) are not walked.
  FolderSource(std::string root, std::vector<std::string> exclude, bool follow_links = false);
  // Calls `emit` for each file, in the order found. Symbolic links to folders
  // are not followed (no loops); links to files are read when they point
  // inside the root (or anywhere, with `follow_links`), else reported.
  void Walk(const std::function<void(SourceItem)>& emit) const;

 private:
  std::string root_;
  std::vector<std::string> exclude_;
  bool follow_links_;
};

}  // namespace rwd::gateway
