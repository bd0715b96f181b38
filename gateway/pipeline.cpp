#include "gateway/pipeline.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "core/crypto.h"
#include "core/log.h"
#include "core/sealed_text.h"
#include "gateway/bounded_queue.h"
#include "gateway/folder_sink.h"
#include "gateway/folder_source.h"
#include "gateway/manifest_rows.h"
#include "gateway/progress.h"
#include "gateway/provenance_writer.h"
#include "gateway/cohort/cohort_stage.h"
#include "gateway/recovery.h"
#include "gateway/safe_dirs.h"
#include "gateway/release/folder_release_sink.h"
#include "gateway/release/series_release.h"
#include "gateway/run_state.h"
#include "gateway/series/geometry_stage.h"
#include "gateway/series/volume_stage.h"
#include "gateway/series_phase.h"
#include "gateway/staging_area.h"
#include "gateway/stages/clean_pixels_stage.h"
#include "gateway/stages/deidentify_header_stage.h"
#include "gateway/stages/identify_stage.h"
#include "gateway/stages/ingest_stage.h"
#include "gateway/stages/gate_stage.h"
#include "gateway/stages/staging_stage.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

namespace {

// objects.source_path: the path in clear, or (with a path key) its keyed HMAC.
std::string StoredSourcePath(const std::vector<uint8_t>& path_key, const std::string& rel) {
  if (path_key.empty()) return rel;
  return "hmac:" + ToHex(HmacSha256(path_key, "source path:" + rel));
}

// Shared by the object workers of one run.
struct ObjectPhaseEnv {
  ProvenanceWriter& writer;
  FolderSink& quarantine;
  StagingArea& staging;
  RunTally& tally;
};

// One worker's object stages, in the order they run (DESIGN.md "The pipeline").
class ObjectWorker {
 public:
  ObjectWorker(const rules::Profile& profile, const anon::KeyedIds& ids, ObjectPhaseEnv env, uint64_t max_bytes,
               const std::vector<uint8_t>& path_key, const Cohort* cohort)
      : env_(env), path_key_(path_key), ingest_(max_bytes), identify_(profile), deidentify_(profile, ids), pixels_(profile),
        staging_(env.staging), gate_(profile) {
    if (cohort) cohort_.emplace(*cohort);
    stages_ = {&ingest_, &identify_};
    if (cohort_) stages_.push_back(&*cohort_);  // before anything of the object is transformed or written
    stages_.insert(stages_.end(), {&deidentify_, &pixels_, &staging_, &gate_});
  }

  void Process(SourceItem item) {
    ObjectContext o;
    buffer_.clear();        // nothing of the previous object may be taken for this one
    o.bytes.swap(buffer_);  // reuse the worker's buffer: no allocation per file
    o.path = std::move(item.path);
    o.rel_path = std::move(item.rel_path);
    o.mtime_ns = item.mtime_ns;
    StageResult fate = StageResult::Continue();
    const char* decided_by = "stage";
    if (!item.error.empty()) {
      fate = StageResult::Reject(ErrorCode::kIoError, item.error);
      decided_by = "ingest";
    }
    for (Stage* stage : stages_) {
      if (fate.outcome != Outcome::kContinue) break;
      try {
        fate = stage->Run(o);
      } catch (...) {
        fate = StageResult::Quarantine(ErrorCode::kInternal, std::string("unexpected error in stage ") + stage->name());
      }
      if (fate.outcome != Outcome::kContinue) decided_by = stage->name();
    }
    Finish(o, fate, decided_by);
    o.dicom.reset();  // it may point into the buffer
    buffer_.swap(o.bytes);
  }

 private:
  void Finish(ObjectContext& o, StageResult& fate, const char* stage) {
    db::ObjectRecord r;
    if (path_key_.empty()) {
      r.source_path = o.rel_path;
    } else {
      r.source_path = StoredSourcePath(path_key_, o.rel_path);
      r.source_sealed = SealText(path_key_, o.rel_path);
    }
    r.size_in = static_cast<int64_t>(o.bytes.size());
    r.sha256_in = o.sha256_in;
    r.sop_class_uid = o.sop_class_uid;
    r.modality = o.modality;
    r.hmac_patient_id = o.header.hmac_patient_id;
    r.hmac_study_uid = o.header.hmac_study_uid;
    r.hmac_series_uid = o.header.hmac_series_uid;
    r.hmac_sop_uid = o.header.hmac_sop_uid;
    r.stage = stage;
    r.mtime_ns = o.mtime_ns;
    r.findings = std::move(o.findings);
    if (fate.outcome == Outcome::kQuarantine && !o.bytes.empty() && !o.sha256_in.empty()) {
      // The quarantine keeps the original, named by its hash.
      auto q = env_.quarantine.Write(o.sha256_in + ".dcm", std::span<const uint8_t>(o.bytes.data(), o.bytes.size()));
      if (q.ok()) r.output_path = q.value();
      else fate.reason += " (and the copy into the quarantine failed: " + q.status().message() + ")";
    }
    switch (fate.outcome) {
      case Outcome::kContinue:
        // Staged: the series phase releases it (or not).
        r.state = db::ObjectState::kStaged;
        r.sha256_out = o.sha256_out;
        r.size_out = static_cast<int64_t>(o.out.size());
        r.new_study_uid = o.header.new_study_uid;
        r.new_series_uid = o.header.new_series_uid;
        r.new_sop_uid = o.header.new_sop_uid;
        r.patient = o.header.pseudonym;
        r.output_path = o.output_path;
        r.staging_path = o.staging_path;
        r.facts_json = o.facts.ToJson();
        break;
      case Outcome::kQuarantine: r.state = db::ObjectState::kQuarantined; break;
      case Outcome::kReject: r.state = db::ObjectState::kRejected; break;
    }
    if (fate.outcome != Outcome::kContinue) {
      r.reason_code = ErrorCodeName(fate.code);
      r.reason = fate.reason;
    }
    env_.tally.Count(r.state, fate.code, o.bytes.size(), 0, 0);
    if (o.gate_hit) env_.tally.CountGate();
    env_.writer.Add(std::move(r));
  }

  ObjectPhaseEnv env_;
  const std::vector<uint8_t>& path_key_;
  IngestStage ingest_;
  IdentifyStage identify_;
  DeidentifyHeaderStage deidentify_;
  CleanPixelsStage pixels_;
  StagingStage staging_;
  GateStage gate_;
  std::optional<CohortStage> cohort_;
  std::vector<Stage*> stages_;
  ByteBuffer buffer_;
};

}  // namespace

Pipeline::Pipeline(const rules::Profile& profile, const anon::KeyedIds& ids, db::ProvenanceStore& store,
                   PipelineOptions options)
    : profile_(profile), ids_(ids), store_(store), options_(std::move(options)) {}

Result<RunSummary> Pipeline::Run(int64_t run_id) {
  const auto start = std::chrono::steady_clock::now();
  // The quarantine holds originals with PHI: owner-only, and never a link
  // to somewhere else.
  const fs::path q(options_.quarantine_dir);
  Status made = MakeDirsNoFollow(q.parent_path().string(), q.filename().string(), 0700);
  if (!made.ok()) return made;
  ::chmod(options_.quarantine_dir.c_str(), 0700);
  auto staging = options_.remote_sink ? StagingArea::OpenForRemote(options_.remote_sink->target(), options_.work_dir)
                                      : StagingArea::Open(options_.output_dir, options_.work_dir);
  if (!staging.ok()) return staging.status();
  FolderReleaseSink folder_sink(*staging);
  ReleaseSink& sink = options_.remote_sink ? *options_.remote_sink : static_cast<ReleaseSink&>(folder_sink);
  auto recovered = Recover(store_, *staging, sink, options_.quarantine_dir, run_id);
  if (!recovered.ok()) return recovered.status();

  RunTally tally;
  int64_t skipped = 0;
  FolderSink quarantine(options_.quarantine_dir);
  std::unique_ptr<ReleaseManifest> manifest;
  if (!options_.signing_key_pem.empty()) {
    auto opened = ReleaseManifest::Open(staging->output_root(), options_.work_dir, run_id, profile_.sha256,
                                        options_.signing_key_pem);
    if (!opened.ok()) return opened.status();
    manifest = std::move(opened).value();
    auto listed = AppendUnmanifestedRows(store_, staging->output_root(), *manifest);
    if (!listed.ok()) return listed.status();
  }
  const int n = std::max(1, options_.workers);
  {
    Progress progress(tally.counters(), options_.progress);
    // Object phase: the walk feeds a bounded queue; N workers stage objects.
    {
      ProvenanceWriter writer(store_, run_id);
      ObjectPhaseEnv env{writer, quarantine, *staging, tally};
      BoundedQueue<SourceItem> queue(static_cast<size_t>(n) * 64);
      std::vector<std::thread> threads;
      for (int i = 0; i < n; ++i) {
        threads.emplace_back([&] {
          ObjectWorker worker(profile_, ids_, env, options_.max_object_bytes, options_.path_key, options_.cohort);
          // After a database failure the run cannot be trusted: stop early.
          while (auto item = queue.Pop())
            if (!writer.failed()) worker.Process(std::move(*item));
        });
      }
      FolderSource source(options_.input_dir, options_.exclude, options_.follow_links);
      source.Walk([&](SourceItem item) {
        struct stat st {};
        if (item.error.empty() && ::stat(item.path.c_str(), &st) == 0) {
          item.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
          if (options_.incremental &&
              options_.incremental->Unchanged(StoredSourcePath(options_.path_key, item.rel_path), st.st_size,
                                              item.mtime_ns, item.path)) {
            ++skipped;
            return;
          }
        }
        ++tally.counters().found;
        queue.Push(std::move(item));
      });
      tally.counters().walk_done = true;
      queue.Close();
      for (auto& t : threads) t.join();
      // Every staged row is committed before any series is released.
      Status recorded = writer.Close();
      if (!recorded.ok()) return recorded;
    }
    // Series phase: a folder run's series are complete once the walk is done.
    auto keys = store_.ListStagedSeries(run_id);
    if (!keys.ok()) return keys.status();
    CutCache cuts;
    const std::string reports = options_.work_dir + "/reports/run-" + std::to_string(run_id);
    std::vector<SeriesStageFactory> stages = {
        [] { return std::make_unique<GeometryStage>(); },
        [&] { return std::make_unique<VolumeStage>(profile_, store_, cuts, reports); }};
    for (const SeriesStageFactory& f : options_.series_stages) stages.push_back(f);
    SeriesPhaseEnv env{store_, *staging, quarantine, options_.input_dir, options_.path_key, tally, sink, manifest.get()};
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    Status first_error;
    std::mutex error_mu;
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&] {
        SeriesWorker worker(env, stages);
        for (size_t k; !failed && (k = next++) < keys->size();) {
          Status s = worker.Process(run_id, (*keys)[k]);
          if (!s.ok()) {
            std::lock_guard<std::mutex> lock(error_mu);
            if (!failed.exchange(true)) first_error = s;
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    if (failed) return first_error;
  }
  if (manifest) {
    Status signed_ok = FinishManifest(*manifest, store_);
    if (!signed_ok.ok()) return signed_ok;
  }
  // Empty folders of released series; files a remote target has not
  // confirmed stay for the next start.
  auto keep = PendingStagingDirs(store_);
  if (!keep.ok()) return keep.status();
  auto left = staging->ClearExcept(*keep);
  if (!left.ok()) LogWarn(left.status().message());

  RunSummary s = tally.Take();
  s.run_id = run_id;
  s.recovered_series = recovered->series_finished;
  s.abandoned_staged = recovered->staged_redone;
  s.release_pending += recovered->still_pending;
  s.skipped_unchanged = skipped;
  s.workers = n;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.profile_name = profile_.name;
  s.output_dir = options_.output_dir;
  s.quarantine_dir = options_.quarantine_dir;
  return s;
}

}  // namespace rwd::gateway
