#pragma once
// `run --incremental[=verify]`: the inputs an earlier run finished
// (released, quarantined or rejected, not interrupted) over the same input
// folder, under the same profile (SHA-256 of its text) and key (fingerprint),
// so the nightly run reads only what is new or changed.
//
// An input is skipped when its (relative path, size, mtime) equal the
// recorded ones; in verify mode its SHA-256 must also equal the recorded
// one (the file is read and hashed, nothing else is done with it).
// Memory: one entry per finished input (path, size, mtime, hash).
#include <string>
#include <unordered_map>

#include "core/status.h"
#include "db/provenance_store.h"

namespace rwd::gateway {

class IncrementalIndex {
 public:
  static Result<IncrementalIndex> Load(db::ProvenanceStore& store, const std::string& input_dir_abs,
                                       const std::string& profile_sha256, const std::string& key_fingerprint,
                                       bool verify);
  // `full_path` is read only in verify mode.
  bool Unchanged(const std::string& rel_path, int64_t size, int64_t mtime_ns, const std::string& full_path) const;
  size_t size() const { return done_.size(); }

 private:
  std::unordered_map<std::string, db::FinishedInput> done_;
  bool verify_ = false;
};

}  // namespace rwd::gateway
