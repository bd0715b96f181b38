#pragma once
// What `run` and `listen` both set up before processing (and how they run
// one pass of the pipeline): the profile, the work dir (0700, locked: one
// process per work dir), the key, the provenance store, the release target,
// the cohort, the run log. Failures come back as the process exit code.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "anonymizer/keyed_ids.h"
#include "db/provenance_store.h"
#include "gateway/cohort/cohort.h"
#include "gateway/release/release_sink.h"
#include "gateway/run_log.h"
#include "gateway/run_summary.h"
#include "gateway/workdir_lock.h"
#include "rules/profile.h"

namespace rwd::gateway {

// Exit codes (README "Exit codes").
constexpr int kExitOk = 0, kExitFatal = 1, kExitUsage = 2, kExitBusy = 3;

struct SessionArgs {
  std::string profile, output, workdir = "rwdgate-work", key;
  std::string release_to, credentials, calling_ae = "RWDGATE";  // --release-to URL, --credentials FILE
  std::string cohort;  // --cohort FILE
  std::string log;     // --log FILE
  bool follow_links = false;          // read links to files outside the input
  std::string record_paths = "hmac";  // hmac | clear: how objects.source_path is stored
  std::vector<std::string> argv;
  // Sharded runs: the folder holding the default key (project.key) and the
  // manifest signing key, i.e. the main work dir while `workdir` is the
  // shard's; empty: `workdir`.
  std::string key_dir;
  // False (shards): a missing key or signing key is a usage error instead of
  // being made, so that shards started at once cannot make different keys
  // (`rwdgate plan` makes them).
  bool create_keys = true;
};

struct Session {
  rules::Profile profile;
  std::optional<WorkdirLock> lock;
  std::unique_ptr<anon::KeyedIds> ids;
  std::unique_ptr<db::ProvenanceStore> store;
  std::shared_ptr<ReleaseSink> remote;  // null: the output folder
  std::optional<Cohort> cohort;
  RunLog log;
  std::string key_path, db_path, key_fingerprint, target;  // target: folder or URL without credentials
  bool key_created = false;
  std::vector<uint8_t> key_bytes;  // for sealing source paths (record_paths hmac)
  bool record_paths_hmac = true, follow_links = false;
  std::string signing_key_pem;     // signs the release manifest (folder outputs)
  bool signing_created = false;
  std::vector<std::string> argv;
};

// Prints the reason on stderr and returns the exit code (0 on success).
int OpenSession(const SessionArgs& args, Session& session);

struct PassOptions {
  std::string input_dir;
  std::vector<std::string> exclude;
  int workers = 0;  // 0: the number of cores
  bool progress = false;
  bool incremental = false, verify = false;
  // Sharded runs: PipelineOptions::files, no_overwrite, staging_name.
  const std::vector<std::string>* files = nullptr;
  bool no_overwrite = false;
  std::string staging_name = ".rwdgate-staging";
};

// One run over `input_dir`: BeginRun, the pipeline, EndRun, log lines.
// Fails only when the run cannot be recorded.
Result<RunSummary> RunPass(Session& session, const PassOptions& pass);

// A fingerprint of the key for runs.key_fingerprint: SHA-256 (hex) of a
// fixed label and the key bytes (the key cannot be derived from it).
std::string KeyFingerprint(const std::vector<uint8_t>& key);

}  // namespace rwd::gateway
