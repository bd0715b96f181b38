#include "gateway/shard/list_source.h"

#include <filesystem>

namespace rwd::gateway {
namespace fs = std::filesystem;

ListSource::ListSource(std::string root, std::vector<std::string> rel_paths, bool follow_links)
    : root_(std::move(root)), rel_paths_(std::move(rel_paths)), follow_links_(follow_links) {}

void ListSource::Walk(const std::function<void(SourceItem)>& emit) const {
  std::error_code ec;
  const std::string canonical_root = fs::weakly_canonical(root_, ec).string() + "/";
  const std::string prefix = root_ + (root_.ends_with('/') ? "" : "/");
  for (const std::string& rel : rel_paths_) {
    SourceItem item{prefix + rel, rel, ""};
    std::error_code sec;
    const fs::file_status lst = fs::symlink_status(item.path, sec);
    const fs::file_status st = fs::status(item.path, sec);
    if (fs::is_directory(lst)) {
      // The walk listed it as a folder it could not read.
      item.error = "cannot list folder";
    } else if (!fs::exists(lst)) {
      item.error = "planned input no longer exists";
    } else {
      item.error = EntryError(item.path, fs::is_regular_file(st), fs::is_directory(st), fs::is_symlink(lst),
                              canonical_root, follow_links_);
    }
    emit(std::move(item));
  }
}

}  // namespace rwd::gateway
