#pragma once
// Checks a released cohort against its signed manifest (release_manifest.h):
// the Ed25519 signature over manifest.jsonl, the hash chain of its lines and
// each run's final line, and every file's size and SHA-256; files missing,
// altered and extra (present but not in the manifest) are named by path.
// Given the work dir, also the provenance rows against their lines.
#include <cstdint>
#include <string>
#include <vector>

namespace rwd::gateway {

struct VerifyOptions {
  // The public key to trust; "" = DIR/manifest.pub.pem (then only the
  // fingerprint printed tells whether it is the site's key).
  std::string public_key_file;
  // A work dir whose rwdgate.db released into DIR: its rows are checked
  // against the manifest lines they recorded ("" = not checked; a recipient
  // has no database).
  std::string workdir;
};

struct VerifyProblem {
  enum class Kind { kManifest, kSignature, kChain, kMissing, kAltered, kExtra, kDatabase };
  Kind kind;
  std::string path;    // relative to DIR, or the manifest file
  std::string detail;  // e.g. "line 4: chain does not follow", "size 1234, manifest says 1235"
};
const char* VerifyProblemName(VerifyProblem::Kind kind);  // "missing", "altered", ...

struct VerifyReport {
  std::vector<VerifyProblem> problems;
  int64_t objects = 0;          // files the manifest lists (the newest line of each path)
  int64_t lines = 0;            // object lines (a path released again by a later run is listed again)
  int64_t segments = 0;         // runs that released into the folder
  int64_t rows_checked = 0;     // database rows that match their line (VerifyOptions::workdir)
  int64_t files_checked = 0;    // files whose size and hash match
  std::string key_fingerprint;  // of the key the signature was checked with
  std::string chain_head;
  bool ok() const { return problems.empty() && objects > 0; }
};

// Never throws; reading errors are problems.
VerifyReport VerifyRelease(const std::string& dir, const VerifyOptions& options);

}  // namespace rwd::gateway
