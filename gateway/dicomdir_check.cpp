#include "gateway/dicomdir_check.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"

namespace rwd::gateway {
namespace fs = std::filesystem;
namespace {

constexpr Tag kDirectoryRecordSequence{0x0004, 0x1220};
constexpr Tag kReferencedFileId{0x0004, 0x1500};

// The components of a File ID, or nothing when it is malformed.
std::optional<std::vector<std::string>> Components(std::string_view id) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = id.find('\\', start);
    const std::string part(TrimValue(id.substr(start, end == std::string_view::npos ? end : end - start)));
    if (part.empty() || part == "." || part == "..") return std::nullopt;  // absolute, empty or climbing
    for (unsigned char c : part)
      if (c < 0x20 || c == 0x7F || c == '/' || c == ':') return std::nullopt;
    parts.push_back(part);
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool Inside(const fs::path& path, const fs::path& root) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(path, ec);
  if (ec) return false;
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q)
    if (q == p.end() || *q != *r) return false;
  return true;
}

}  // namespace

DicomdirCheck CheckDicomdir(DicomItem dataset, const fs::path& folder) {
  DicomdirCheck out;
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(folder, ec);
  dataset.Walk([&](ElementRef& e) {
    if (e.tag() != kDirectoryRecordSequence) return DicomItem::Visit::kKeep;
    for (size_t i = 0; i < e.NumItems(); ++i) {
      const std::optional<std::string> id = e.Item(i).GetString(kReferencedFileId);
      if (!id || TrimValue(*id).empty()) continue;
      ++out.entries;
      const auto parts = Components(TrimValue(*id));
      if (!parts || ec) {
        ++out.malformed;
        continue;
      }
      fs::path p = root;
      for (const std::string& part : *parts) p /= part;
      if (!Inside(p, root)) {
        ++out.malformed;
        continue;
      }
      std::error_code exists_ec;
      if (!fs::exists(p, exists_ec)) ++out.missing;
    }
    return DicomItem::Visit::kKeep;
  });
  return out;
}

}  // namespace rwd::gateway
