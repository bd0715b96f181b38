#pragma once
// Writes the signed release manifest of one run into the release root:
//   manifest.jsonl   one line per released object (manifest_chain.h), then a
//                    final line with the count and the chain head
//   manifest.sig     Ed25519 signature (64 raw bytes) of manifest.jsonl
//   manifest.pub.pem the public key that verifies it
// so that a recipient can check, with `rwdgate verify DIR` or openssl and
// sha256sum alone (README "Verifying a release"), that the cohort is the
// one released, unaltered.
//
// The lines go to manifest.jsonl.partial.<pid> while the run releases; Finish()
// adds the final line, renames the file into place and signs it. A run that
// releases nothing leaves any earlier manifest as it was. Thread-safe.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "gateway/manifest_chain.h"

namespace rwd::gateway {

inline constexpr const char* kManifestFile = "manifest.jsonl";
inline constexpr const char* kManifestSignatureFile = "manifest.sig";
inline constexpr const char* kManifestPublicKeyFile = "manifest.pub.pem";

// What Append recorded: the values the object's database row keeps.
struct ManifestLine {
  int64_t seq = 0;
  std::string chain;
  std::string time;
};

class ReleaseManifest {
 public:
  // Starts the manifest of run `run_id` in `release_root` (which exists).
  // `signing_key_pem`: the Ed25519 private key (signing_key.h). Fails with
  // kKeyError (bad key) or kIoError.
  static Result<std::unique_ptr<ReleaseManifest>> Open(const std::string& release_root, int64_t run_id,
                                                       std::string profile_sha256, std::string signing_key_pem);
  ~ReleaseManifest();  // without Finish(): the partial file is removed, nothing is signed

  // Appends one released object. The caller fills path (relative to the
  // release root), sha256, size and the new UIDs; seq, run_id,
  // profile_sha256 and time (when empty: now) are filled here. Fails with
  // kInvalidArgument for a path that is absolute, has "..", or characters
  // other than [A-Za-z0-9._^/-], or a sha256 that is not 64 hex digits;
  // kIoError when the line cannot be written; kInvalidArgument after Finish().
  Result<ManifestLine> Append(ManifestEntry entry);

  // Writes the final line, syncs, renames manifest.jsonl.partial.<pid> to
  // manifest.jsonl, then writes manifest.sig and manifest.pub.pem (each
  // through a temporary file and a rename). With no entries: removes the
  // partial file and returns Ok. Once only.
  Status Finish();

  int64_t count() const;
  std::string chain_head() const;  // chain of the last object line (kChainGenesis when none)

 private:
  ReleaseManifest() = default;
  Status WriteLine(const std::string& line);

  mutable std::mutex mu_;
  std::string root_, partial_path_;
  int64_t run_id_ = 0;
  std::string profile_sha256_, signing_key_pem_;
  int fd_ = -1;
  int64_t count_ = 0;
  std::string chain_{kChainGenesis};
  bool finished_ = false;
};

}  // namespace rwd::gateway
