#include "gateway/folder_source.h"

#include <algorithm>
#include <filesystem>

namespace rwd::gateway {
namespace fs = std::filesystem;

std::string EntryError(const std::string& path, bool regular, bool directory, bool link,
                       const std::string& canonical_root, bool follow_links) {
  std::error_code ec;
  if (!regular)
    return directory ? "symbolic link to a folder: not followed" : "not a regular file (device, socket or broken link)";
  if (!follow_links && link && fs::weakly_canonical(path, ec).string().rfind(canonical_root, 0) != 0)
    return "symbolic link to a file outside the input folder: not followed (--follow-links reads it)";
  return "";
}

FolderSource::FolderSource(std::string root, std::vector<std::string> exclude, bool follow_links)
    : root_(std::move(root)), exclude_(std::move(exclude)), follow_links_(follow_links) {}

void FolderSource::Walk(const std::function<void(SourceItem)>& emit) const {
  std::vector<fs::path> excluded;
  for (const auto& e : exclude_) {
    std::error_code ec;
    const fs::path c = fs::weakly_canonical(e, ec);
    if (!ec) excluded.push_back(c);
  }
  const fs::path root(root_);
  std::error_code cec;
  const std::string canonical_root = fs::weakly_canonical(root, cec).string() + "/";
  // Paths found by the walk all start with the root as given: cutting the
  // prefix is exact and far cheaper than fs::relative (which canonicalises).
  const std::string prefix = root.string() + (root.string().ends_with('/') ? "" : "/");
  auto rel = [&](const fs::path& p) {
    const std::string s = p.string();
    if (s.rfind(prefix, 0) == 0) return s.substr(prefix.size());
    std::error_code ec;
    return fs::relative(p, root, ec).string();
  };
  // An explicit stack rather than recursive_directory_iterator: a folder that
  // cannot be listed is reported and the walk goes on with the others.
  std::vector<fs::path> stack{root};
  while (!stack.empty()) {
    const fs::path dir = stack.back();
    stack.pop_back();
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    if (ec) {
      emit({dir.string(), rel(dir), "cannot list folder: " + ec.message()});
      continue;
    }
    std::vector<fs::path> subdirs;
    for (; it != end; it.increment(ec)) {
      if (ec) {
        emit({dir.string(), rel(dir), "folder listing failed part-way: " + ec.message()});
        break;
      }
      const fs::directory_entry& entry = *it;
      std::error_code sec;
      // Links to folders are not followed (no loops); links to files are read.
      if (entry.is_directory(sec) && !entry.is_symlink(sec)) {
        const fs::path c = fs::weakly_canonical(entry.path(), sec);
        if (std::find(excluded.begin(), excluded.end(), c) == excluded.end()) subdirs.push_back(entry.path());
        continue;
      }
      SourceItem item{entry.path().string(), rel(entry.path()), ""};
      item.error = EntryError(item.path, entry.is_regular_file(sec), entry.is_directory(sec), entry.is_symlink(sec),
                              canonical_root, follow_links_);
      emit(std::move(item));
    }
    // Deterministic order helps people compare runs.
    std::sort(subdirs.rbegin(), subdirs.rend());
    for (auto& s : subdirs) stack.push_back(std::move(s));
  }
}

}  // namespace rwd::gateway
