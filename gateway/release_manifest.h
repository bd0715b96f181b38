#pragma once
// Writes the signed release manifest of a release folder:
//   manifest.jsonl   one segment per run that released into the folder: one
//                    line per released object (manifest_chain.h), then a
//                    final line with the segment's count and chain head
//   manifest.sig     Ed25519 signature (64 raw bytes) of manifest.jsonl
//   manifest.pub.pem the public key that verifies it
// so that a recipient can check, with `rwdgate verify DIR` or openssl and
// sha256sum alone (README "Verifying a release"), that the cohort is the
// one released, unaltered.
//
// A run's lines wait in a segment file in the work dir while it releases.
// Finish() takes an exclusive lock on the release folder (runs of other work
// dirs, e.g. shards, may release into it at the same time), checks that the
// manifest there verifies with this site's key, writes old + new lines and
// the signature through temporary files and renames, then reports each new
// line so the database rows can record it (schema 004). The whole manifest
// is in memory while it is signed (Ed25519 signs the message, not a hash):
// about 450 bytes per object. A run that releases nothing leaves the
// manifest as it was. Thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "gateway/manifest_chain.h"

namespace rwd::gateway {

inline constexpr const char* kManifestFile = "manifest.jsonl";
inline constexpr const char* kManifestSignatureFile = "manifest.sig";
inline constexpr const char* kManifestPublicKeyFile = "manifest.pub.pem";

// Where an object's line ended up: what its database row keeps.
struct ManifestLine {
  int64_t seq = 0;
  std::string chain;
  std::string time;
};

class ReleaseManifest {
 public:
  // Starts run `run_id`'s segment for `release_root` (which exists), its
  // lines kept in `scratch_dir` (the work dir, owner-only) until Finish.
  // `signing_key_pem`: the Ed25519 private key (signing_key.h). Fails with
  // kKeyError (bad key) or kIoError.
  static Result<std::unique_ptr<ReleaseManifest>> Open(const std::string& release_root, const std::string& scratch_dir,
                                                       int64_t run_id, std::string profile_sha256,
                                                       std::string signing_key_pem);
  ~ReleaseManifest();  // without Finish(): the segment is dropped, the manifest unchanged

  // Appends one released object; `object_id` is its provenance row (0: none).
  // The caller fills path (relative to the release root), sha256, size and
  // the new UIDs; run_id and profile_sha256 when left empty are this run's
  // (a row recovered from an interrupted run keeps its own); time when empty
  // is now; seq is set by Finish. Fails with kInvalidArgument for a path that
  // is absolute, has "..", or characters other than [A-Za-z0-9._^/-], or a
  // sha256 that is not 64 hex digits; kIoError when the line cannot be
  // written; kInvalidArgument after Finish().
  Status Append(int64_t object_id, ManifestEntry entry);

  // Appends the segment to the folder's manifest and signs it (see above),
  // then calls `recorded` for each object line written, in order. Fails with
  // kUnsafe when the existing manifest does not verify with this key (it is
  // then left as it is), kIoError otherwise. Once only.
  using LineSink = std::function<Status(int64_t object_id, const ManifestLine& line)>;
  Status Finish(const LineSink& recorded = {});

  int64_t count() const;  // object lines appended so far

 private:
  ReleaseManifest() = default;
  struct Recorded {
    int64_t object_id;
    ManifestLine line;
  };
  // REQUIRES: mu_ held. The lines written, in order, into `recorded` when set.
  Status WriteManifest(std::vector<Recorded>* recorded);
  void DropSegment();

  mutable std::mutex mu_;
  std::string root_, segment_path_;
  int64_t run_id_ = 0;
  std::string profile_sha256_, signing_key_pem_;
  int fd_ = -1;
  int64_t count_ = 0;
  bool finished_ = false;
};

}  // namespace rwd::gateway
