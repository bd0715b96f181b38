#include "gateway/incremental/incremental_index.h"

#include <fstream>
#include <iterator>
#include <vector>

#include "core/crypto.h"

namespace rwd::gateway {

Result<IncrementalIndex> IncrementalIndex::Load(db::ProvenanceStore& store, const std::string& input_dir_abs,
                                                const std::string& profile_sha256, const std::string& key_fingerprint,
                                                bool verify) {
  IncrementalIndex index;
  index.verify_ = verify;
  Status s = store.ForEachFinishedInput(input_dir_abs, profile_sha256, key_fingerprint,
                                        [&](std::string&& path, db::FinishedInput&& f) {
                                          index.done_[std::move(path)] = std::move(f);  // newest wins
                                        });
  if (!s.ok()) return s;
  return index;
}

bool IncrementalIndex::Unchanged(const std::string& rel_path, int64_t size, int64_t mtime_ns,
                                 const std::string& full_path) const {
  auto it = done_.find(rel_path);
  if (it == done_.end() || it->second.size != size || it->second.mtime_ns != mtime_ns) return false;
  if (!verify_) return true;
  std::ifstream in(full_path, std::ios::binary);
  if (!in) return false;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return Sha256Hex(bytes) == it->second.sha256;
}

}  // namespace rwd::gateway
