#pragma once
// Writes released objects under an output folder, atomically (a temporary
// file renamed into place), never touching the input. Thread-safe.
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/status.h"

namespace rwd::gateway {

class FolderSink {
 public:
  explicit FolderSink(std::string root) : root_(std::move(root)) {}

  enum class Claim { kNew, kDuplicate, kConflict };
  // Reserves `rel_path` for this run. kDuplicate: the same bytes were already
  // released under it in this run; kConflict: different bytes were.
  Claim ClaimPath(const std::string& rel_path, const std::string& sha256_out, std::string* first_source,
                  const std::string& source);

  // Writes bytes to root/rel_path; returns the full path.
  Result<std::string> Write(const std::string& rel_path, std::span<const uint8_t> bytes,
                            std::span<const uint8_t> more = {});

  // A path component from an identifier: [A-Za-z0-9.^-] kept, other bytes
  // escaped as _XX. Injective (distinct identifiers, distinct components),
  // never "", "." or "..", at most 200 bytes.
  static std::string SafeComponent(std::string_view s);

  const std::string& root() const { return root_; }

 private:
  Status EnsureDir(const std::string& dir);
  std::string root_;
  std::mutex mu_;
  std::unordered_set<std::string> dirs_;                                      // created
  std::unordered_map<std::string, std::pair<std::string, std::string>> claims_;  // path -> (sha, source)
};

}  // namespace rwd::gateway
