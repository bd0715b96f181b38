#pragma once
// Checks a released cohort against its signed manifest (release_manifest.h):
// the Ed25519 signature over manifest.jsonl, the hash chain of its lines and
// the final line, and every file's size and SHA-256; files missing, altered
// and extra (present but not in the manifest) are named by path.
#include <cstdint>
#include <string>
#include <vector>

namespace rwd::gateway {

struct VerifyOptions {
  // The public key to trust; "" = DIR/manifest.pub.pem (then only the
  // fingerprint printed tells whether it is the site's key).
  std::string public_key_file;
};

struct VerifyProblem {
  enum class Kind { kManifest, kSignature, kChain, kMissing, kAltered, kExtra };
  Kind kind;
  std::string path;    // relative to DIR, or the manifest file
  std::string detail;  // e.g. "line 4: chain does not follow", "size 1234, manifest says 1235"
};
const char* VerifyProblemName(VerifyProblem::Kind kind);  // "missing", "altered", ...

struct VerifyReport {
  std::vector<VerifyProblem> problems;
  int64_t objects = 0;          // object lines in the manifest
  int64_t files_checked = 0;    // files whose size and hash match
  std::string key_fingerprint;  // of the key the signature was checked with
  std::string chain_head;
  bool ok() const { return problems.empty() && objects > 0; }
};

// Never throws; reading errors are problems.
VerifyReport VerifyRelease(const std::string& dir, const VerifyOptions& options);

}  // namespace rwd::gateway
