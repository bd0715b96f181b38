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
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace rwd::db {

class SqliteDb;

// kStaged: de-identified and waiting in the staging area for its series
// (never in the output); the others are final.
enum class ObjectState { kStaged, kReleased, kQuarantined, kRejected };
// "staged", "released", "quarantined", "rejected" (the values of objects.state).
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
  std::string stage;  // "ingest", "identify", "deidentify", "pixels", "stage", "series", ...
  std::string staging_path;  // kStaged: the staged file
  std::string patient;       // the pseudonym (output folder), once de-identified
  std::string source_sealed;  // source path sealed with the key when source_path is its HMAC
  std::string facts_json;    // kStaged: per-object facts for series stages (JSON)
  int64_t mtime_ns = 0;      // the input's modification time (0 = unknown, stored as NULL)
  std::vector<Finding> findings;
};

// One released object of a series, as a release target needs it
// (provenance_store_network.cpp).
struct ReleaseEntry {
  int64_t object_id = 0;
  std::string staging_path, output_path, sop_class_uid, sop_uid;  // sop_uid: the new SOP Instance UID
  int64_t size_out = 0;
  int regions_redacted = 0;
};

// An input finished by an earlier run (for `run --incremental`).
struct FinishedInput {
  int64_t size = 0, mtime_ns = 0;
  std::string sha256;
};

// The two UIDs that name a series in the output (new UIDs).
struct SeriesKey {
  std::string study_uid, series_uid;
  bool operator==(const SeriesKey&) const = default;
};

// A staged object, as the series phase reads it back.
struct StagedObject {
  int64_t id = 0;
  std::string source_path, sha256_in, staging_path, output_path, new_sop_uid, modality, sop_class_uid;
  std::string facts_json, patient;  // patient: the pseudonym (output folder)
  std::string hmac_series_uid;
  std::string source_sealed;  // see ObjectRecord
  std::string sha256_out;     // of the staged file
  int64_t size_out = 0;
};

// What the series phase decided for one staged object.
struct ObjectDecision {
  int64_t object_id = 0;
  ObjectState state = ObjectState::kReleased;  // released, quarantined or rejected
  std::string reason_code, reason, stage;      // "" when released
  std::string output_path;                     // quarantined: the copy in quarantine; else as staged
  std::vector<Finding> findings;
};

// A staged file a series stage rewrote (e.g. defaced): its new hash and size.
struct RewrittenObject {
  int64_t object_id = 0;
  std::string sha256_out;
  int64_t size_out = 0;
};

struct SeriesCheckRow {
  std::string name;
  std::optional<double> value, threshold;
  std::string verdict;  // pass, warn, fail, na
};

struct SeriesRecord {
  SeriesKey key;
  std::string hmac_series_uid;  // of the original Series Instance UID (series_checks are keyed by it)
  std::string patient, modality;
  bool quarantined = false;         // the whole series held back
  std::string reason_code, reason;  // when quarantined
  std::string stage;                // the series stage that held it back
  std::string geometry_json;  // (object counts are computed by DecideSeries)
  std::string qc_json, deface_json;  // "" = the stage did not run
  std::vector<SeriesCheckRow> checks;
};

// A release that was committed but whose files may not all have been moved
// (the process died between the commit and the renames).
struct PendingRename {
  int64_t series_id = 0;
  std::string staging_path, output_path;
};

struct StateCounts {
  int64_t released = 0, quarantined = 0, rejected = 0, staged = 0;
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

  // --- The series phase (DESIGN.md "The pipeline") ---

  // The series of `run_id` that have staged objects, in a stable order.
  Result<std::vector<SeriesKey>> ListStagedSeries(int64_t run_id);
  // The staged objects of one series of `run_id`, ordered by id, one at a
  // time (a series of any size is never all in memory). `fn` must not call
  // back into the store.
  Status ForEachStaged(int64_t run_id, const SeriesKey& key, const std::function<void(StagedObject&&)>& fn);
  // The same, collected (for small series and tests).
  Result<std::vector<StagedObject>> StagedObjectsOf(int64_t run_id, const SeriesKey& key);
  // One staged object by id (kInvalidArgument when not staged).
  Result<StagedObject> StagedById(int64_t object_id);
  // In one transaction: records the series (state 'releasing', or
  // 'quarantined') with its checks; moves each object of `held_back` out of
  // 'staged' as decided (with its findings); then every other staged object
  // of the series: released (or, for a quarantined series, quarantined with
  // the series' reason). Returns the series id. The caller then moves the
  // released files (ForEachReleasedFile) and calls MarkSeriesReleased.
  Result<int64_t> DecideSeries(int64_t run_id, const SeriesRecord& series, std::span<const ObjectDecision> held_back,
                               std::span<const std::pair<int64_t, std::vector<Finding>>> findings = {},
                               std::span<const RewrittenObject> rewritten = {});
  // The series of a run with their QC results, for qc.json, one at a time
  // (by id), so qc.json is written without holding the run's series.
  struct SeriesQcRow {
    int64_t id = 0;
    std::string series_uid, modality, state, qc_json;
    std::vector<SeriesCheckRow> checks;
  };
  Status ForEachSeriesQc(int64_t run_id, const std::function<void(const SeriesQcRow&)>& visit);
  // The QC history cohort grading reads (provenance_store_qc.cpp): every
  // non-na check value of the newest decision of each series decided by a
  // run before `before_run` whose series.qc names a group (an HMAC). `fn`
  // must not call back into the store.
  struct QcHistoryRow {
    std::string group, series_uid, check;
    double value = 0;
  };
  Status ForEachQcHistory(int64_t before_run, const std::function<void(QcHistoryRow&&)>& fn);
  struct ReleasedFile {
    int64_t object_id = 0;
    std::string staging_path, output_path, sha256_out, new_sop_uid;
    int64_t size_out = 0;
    int regions_redacted = 0;
  };
  // The released objects of a series decision, one at a time.
  Status ForEachReleasedFile(int64_t series_id, const std::function<void(ReleasedFile&&)>& fn);
  Status MarkSeriesReleased(int64_t series_id);
  // Crash recovery: the files of series left 'releasing'.
  Result<std::vector<PendingRename>> PendingRenames();
  // Crash recovery: staged rows of runs that have ended become 'rejected'
  // (kInterrupted): the objects are redone by the run `by_run`. Returns how many.
  Result<int64_t> AbandonStaged(int64_t by_run);
  // Objects of a run still staged (0 once a run has completed).
  Result<int64_t> CountStaged(int64_t run_id);

  // --- Release targets, incremental runs (provenance_store_network.cpp) ---

  // Records the key fingerprint (SHA-256 hex of the key) and the release
  // target (a folder or a URL without credentials) of a running run.
  Status SetRunContext(int64_t run_id, const std::string& key_fingerprint, const std::string& release_target);
  // The released objects of series `series_id` that no remote target has
  // confirmed yet (table deliveries), ordered by id.
  Result<std::vector<ReleaseEntry>> UndeliveredFiles(int64_t series_id);
  // Records in one transaction that `target` confirmed these objects.
  Status RecordDeliveries(int64_t series_id, std::span<const int64_t> object_ids, const std::string& target);
  // Series left 'releasing' (a failed or interrupted release), by id.
  Result<std::vector<int64_t>> ReleasingSeries();
  // Inputs (source_path relative to `input_dir`) that ended final (released,
  // quarantined or rejected for a reason other than Interrupted) in a run
  // over the same input folder, profile SHA-256 and key fingerprint, with
  // the size, mtime and SHA-256 recorded then. The newest record wins.
  Status ForEachFinishedInput(const std::string& input_dir, const std::string& profile_sha256,
                              const std::string& key_fingerprint,
                              const std::function<void(std::string&&, FinishedInput&&)>& fn);

  // --- The release manifest's lines (provenance_store_manifest.cpp, schema 004) ---

  // A released object as its manifest line records it.
  struct ManifestedRow {
    int64_t object_id = 0, run_id = 0, size_out = 0, seq = 0;  // seq 0: no manifest line yet
    std::string output_path, sha256_out, study_uid, series_uid, sop_uid, profile_sha256, chain, time;
  };
  // Released rows of released series whose file is under `output_root` (an
  // absolute folder, no trailing '/') and that no manifest lists yet: rows of
  // a run killed before its manifest was written. By id.
  Status ForEachUnmanifested(const std::string& output_root, const std::function<void(ManifestedRow&&)>& fn);
  // Released rows under `output_root` that carry a manifest line, by seq.
  Status ForEachManifested(const std::string& output_root, const std::function<void(ManifestedRow&&)>& fn);
  struct ManifestLineRecord {
    int64_t object_id = 0, seq = 0;
    std::string chain, time;
  };
  // Records the manifest lines of released rows, in one transaction; a row
  // takes its line once (the schema refuses a second).
  Status RecordManifestLines(std::span<const ManifestLineRecord> lines);

 private:
  explicit ProvenanceStore(std::unique_ptr<SqliteDb> db);
  Status CheckRunExists(int64_t run_id);  // REQUIRES: mu_ held
  // One object and its findings. REQUIRES: mu_ held, a transaction open.
  Status InsertObject(int64_t run_id, const ObjectRecord& object);
  Status InsertFindings(int64_t object_id, std::span<const Finding> findings);  // REQUIRES: as above

  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace rwd::db
