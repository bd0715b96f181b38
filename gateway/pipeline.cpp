#include "gateway/pipeline.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "core/log.h"
#include "gateway/bounded_queue.h"
#include "gateway/folder_sink.h"
#include "gateway/folder_source.h"
#include "gateway/progress.h"
#include "gateway/provenance_writer.h"
#include "gateway/stages/clean_pixels_stage.h"
#include "gateway/stages/deidentify_header_stage.h"
#include "gateway/stages/identify_stage.h"
#include "gateway/stages/ingest_stage.h"
#include "gateway/stages/release_stage.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

namespace {

// Shared by the workers of one run.
struct RunState {
  int64_t run_id;
  ProvenanceWriter& writer;
  FolderSink sink;
  std::string quarantine_dir;
  ProgressCounters counters;
  std::mutex mu;  // guards the field below
  RunSummary summary;
};

// One worker's stages, in the order they run (DESIGN.md "The pipeline").
class Worker {
 public:
  Worker(const rules::Profile& profile, const anon::KeyedIds& ids, RunState& run, uint64_t max_bytes)
      : run_(run), ingest_(max_bytes), identify_(profile), deidentify_(profile, ids), pixels_(profile), release_(run.sink) {
    stages_ = {&ingest_, &identify_, &deidentify_, &pixels_, &release_};
  }

  void Process(SourceItem item) {
    ObjectContext o;
    o.bytes.swap(buffer_);  // reuse the worker's buffer: no allocation per file
    o.path = std::move(item.path);
    o.rel_path = std::move(item.rel_path);
    StageResult fate = StageResult::Continue();
    const char* decided_by = "release";
    if (!item.error.empty()) {
      fate = StageResult::Reject(ErrorCode::kIoError, item.error);
      decided_by = "ingest";
    }
    for (Stage* stage : stages_) {
      if (fate.outcome != Outcome::kContinue) break;
      try {
        fate = stage->Run(o);
      } catch (const std::exception&) {
        fate = StageResult::Quarantine(ErrorCode::kInternal, std::string("unexpected error in stage ") + stage->name());
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
    r.source_path = o.rel_path;
    r.size_in = static_cast<int64_t>(o.bytes.size());
    r.sha256_in = o.sha256_in;
    r.sop_class_uid = o.sop_class_uid;
    r.modality = o.modality;
    r.hmac_patient_id = o.header.hmac_patient_id;
    r.hmac_study_uid = o.header.hmac_study_uid;
    r.hmac_series_uid = o.header.hmac_series_uid;
    r.hmac_sop_uid = o.header.hmac_sop_uid;
    r.stage = stage;
    r.findings = std::move(o.findings);
    if (fate.outcome == Outcome::kQuarantine && !o.bytes.empty()) {
      // The quarantine keeps the original, named by its hash.
      auto q = FolderSink(run_.quarantine_dir).Write(o.sha256_in + ".dcm", std::span<const uint8_t>(o.bytes.data(), o.bytes.size()));
      if (q.ok()) r.output_path = q.value();
      else fate.reason += " (and the copy into the quarantine failed: " + q.status().message() + ")";
    }
    switch (fate.outcome) {
      case Outcome::kContinue:
        r.state = db::ObjectState::kReleased;
        r.sha256_out = o.sha256_out;
        r.size_out = static_cast<int64_t>(o.out.size());
        r.new_study_uid = o.header.new_study_uid;
        r.new_series_uid = o.header.new_series_uid;
        r.new_sop_uid = o.header.new_sop_uid;
        r.output_path = o.output_path;
        ++run_.counters.released;
        break;
      case Outcome::kQuarantine:
        r.state = db::ObjectState::kQuarantined;
        ++run_.counters.quarantined;
        break;
      case Outcome::kReject:
        r.state = db::ObjectState::kRejected;
        ++run_.counters.rejected;
        break;
    }
    if (fate.outcome != Outcome::kContinue) {
      r.reason_code = ErrorCodeName(fate.code);
      r.reason = fate.reason;
    }
    {
      std::lock_guard<std::mutex> lock(run_.mu);
      run_.summary.bytes_in += o.bytes.size();
      run_.summary.bytes_out += o.out.size();
      if (fate.outcome == Outcome::kContinue && o.pixel_regions_redacted > 0) {
        ++run_.summary.pixel_images_redacted;
        run_.summary.pixel_regions_redacted += o.pixel_regions_redacted;
      }
      if (fate.outcome != Outcome::kContinue)
        ++run_.summary.reasons[std::string(db::ObjectStateName(r.state)) + ": " + ErrorCodeText(fate.code)];
    }
    run_.writer.Add(std::move(r));
  }

  RunState& run_;
  IngestStage ingest_;
  IdentifyStage identify_;
  DeidentifyHeaderStage deidentify_;
  CleanPixelsStage pixels_;
  ReleaseStage release_;
  std::vector<Stage*> stages_;
  ByteBuffer buffer_;
};

}  // namespace

Pipeline::Pipeline(const rules::Profile& profile, const anon::KeyedIds& ids, db::ProvenanceStore& store,
                   PipelineOptions options)
    : profile_(profile), ids_(ids), store_(store), options_(std::move(options)) {}

Result<RunSummary> Pipeline::Run(int64_t run_id) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(options_.output_dir, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot create " + options_.output_dir + ": " + ec.message());
  fs::create_directories(options_.quarantine_dir, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot create " + options_.quarantine_dir + ": " + ec.message());
  ::chmod(options_.quarantine_dir.c_str(), 0700);  // it holds originals with PHI

  ProvenanceWriter writer(store_, run_id);
  RunState run{run_id, writer, FolderSink(options_.output_dir), options_.quarantine_dir, {}, {}, {}};
  const int n = std::max(1, options_.workers);
  BoundedQueue<SourceItem> queue(static_cast<size_t>(n) * 64);
  std::vector<std::thread> threads;
  {
    Progress progress(run.counters, options_.progress);
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&] {
        Worker worker(profile_, ids_, run, options_.max_object_bytes);
        // After a database failure the run cannot be trusted: stop early.
        while (auto item = queue.Pop())
          if (!writer.failed()) worker.Process(std::move(*item));
      });
    }
    FolderSource source(options_.input_dir, options_.exclude);
    source.Walk([&](SourceItem item) {
      ++run.counters.found;
      queue.Push(std::move(item));
    });
    run.counters.walk_done = true;
    queue.Close();
    for (auto& t : threads) t.join();
  }
  Status recorded = writer.Close();
  if (!recorded.ok()) return recorded;
  RunSummary& s = run.summary;
  s.run_id = run_id;
  s.released = run.counters.released;
  s.quarantined = run.counters.quarantined;
  s.rejected = run.counters.rejected;
  s.workers = n;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.profile_name = profile_.name;
  s.output_dir = options_.output_dir;
  s.quarantine_dir = options_.quarantine_dir;
  return s;
}

}  // namespace rwd::gateway
