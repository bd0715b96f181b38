#pragma once
// The provenance store: one SQLite file recording every run of the gateway
// and, for every input file, what was decided, by which stage and why.
// Tables and example queries: db/SCHEMA.md.
//
// No clear-text PHI is ever stored: original identifiers arrive as
// HMAC-SHA256 hex digests computed by the caller (the schema refuses any
// other form), and reasons/findings carry codes and tag names, never
// attribute values.
//
// Thread-safe: one connection guarded by an internal mutex. RecordObject is
// one short BEGIN IMMEDIATE ... COMMIT on cached statements; with WAL and
// synchronous=NORMAL a commit costs no fsync.
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace rwd::db {

class SqliteDb;

enum class ObjectState { kReleased, kQuarantined, kRejected };
// "released", "quarantined", "rejected" (the values of objects.state).
const char* ObjectStateName(ObjectState state);

struct RunInfo {
  std::string profile_name, profile_sha256, tool_version;
  std::string arguments_json;  // JSON array of the command line, no secrets;
                               // "" is stored as []
  std::string input_dir, output_dir;
};

struct Finding {
  std::string stage, kind;
  std::string detail_json;  // JSON, never attribute values; "" = none
};

// In all string fields "" means "unknown / not applicable" and is stored as
// NULL. Digests and HMACs are 64 lowercase hex characters.
struct ObjectRecord {
  std::string source_path;
  int64_t size_in = 0;
  std::string sha256_in;
  std::string sha256_out;
  int64_t size_out = 0;  // empty/0 unless released (0 is stored as NULL)
  std::string sop_class_uid, modality;
  std::string hmac_patient_id, hmac_study_uid, hmac_series_uid, hmac_sop_uid;
  std::string new_study_uid, new_series_uid, new_sop_uid;
  ObjectState state = ObjectState::kRejected;
  std::string reason_code;  // e.g. "NotDicom", "" when released
  std::string reason;       // human text, never attribute values
  std::string output_path;  // released: the file written; quarantined: the
                            // path in the quarantine
  std::string stage;  // "ingest", "identify", "deidentify", "pixels", "release"
  std::vector<Finding> findings;
};

struct StateCounts {
  int64_t released = 0, quarantined = 0, rejected = 0;
};

class ProvenanceStore {
 public:
  // Opens or creates the database file and migrates it to the newest schema.
  // Fails (kDatabaseError) on a database written by a newer rwdgate.
  static Result<std::unique_ptr<ProvenanceStore>> Open(const std::string& path);
  ~ProvenanceStore();

  // Records a new run in state 'running' and returns its id.
  Result<int64_t> BeginRun(const RunInfo& info);

  // Records one object and its findings in one transaction: all or nothing.
  // Fails if the run does not exist or has ended.
  Status RecordObject(int64_t run_id, const ObjectRecord& object);
  // Records several objects in one transaction (all or none): how the
  // gateway's writer thread keeps commits off the workers' path.
  Status RecordObjects(int64_t run_id, std::span<const ObjectRecord> objects);

  // Ends a running run. `status`: "completed", "failed" or "interrupted"
  // (else kInvalidArgument). `summary_json` "" is stored as NULL. Fails if
  // the run does not exist or has already ended (an ended run is final).
  Status EndRun(int64_t run_id, const std::string& status,
                const std::string& summary_json);

  // Objects per state for a run (kInvalidArgument if the run does not exist).
  Result<StateCounts> CountStates(int64_t run_id);

  // For tests and reports: the objects of a run ordered by source_path
  // (kInvalidArgument if the run does not exist). NULL columns read as "".
  struct ObjectRow {
    std::string source_path, state, reason_code, reason, output_path,
        sha256_in, sha256_out;
  };
  Result<std::vector<ObjectRow>> ListObjects(int64_t run_id);

  // Marks runs left 'running' by a crashed process as 'interrupted' (called
  // at start-up). Their ended_at becomes the last moment known to be
  // alive (the newest processed_at, else started_at) and their summary
  // records when they were marked. Only one gateway process may use a
  // database at a time: this would also mark another live process's run.
  Status MarkStaleRunsInterrupted();

 private:
  explicit ProvenanceStore(std::unique_ptr<SqliteDb> db);
  Status CheckRunExists(int64_t run_id);  // REQUIRES: mu_ held
  // One object and its findings. REQUIRES: mu_ held, a transaction open.
  Status InsertObject(int64_t run_id, const ObjectRecord& object);

  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace rwd::db
