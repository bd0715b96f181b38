#include "gateway/series_phase.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/log.h"
#include "core/sealed_text.h"
#include "gateway/release/series_release.h"

namespace rwd::gateway {

SeriesWorker::SeriesWorker(SeriesPhaseEnv env, const std::vector<SeriesStageFactory>& stages) : env_(env) {
  for (const SeriesStageFactory& make : stages) stages_.push_back(make());
}

// The original bytes, re-read from the input and checked against the hash
// taken at ingest (the input may have changed since).
Result<std::string> SeriesWorker::QuarantineOriginal(const db::StagedObject& o) {
  std::string rel = o.source_path;
  if (!o.source_sealed.empty()) {
    auto opened = OpenSealedText(env_.path_key, o.source_sealed);
    if (!opened.ok()) return Status::Error(ErrorCode::kIoError, "the source path does not open with this key");
    rel = *opened;
  }
  const std::string path = env_.input_dir + "/" + rel;
  std::vector<uint8_t> bytes;
  {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::Error(ErrorCode::kIoError, "the original is no longer readable");
    uint8_t buf[1 << 16];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) bytes.insert(bytes.end(), buf, buf + n);
    ::close(fd);
    if (n < 0) return Status::Error(ErrorCode::kIoError, "the original is no longer readable");
  }
  if (Sha256Hex(bytes) != o.sha256_in) return Status::Error(ErrorCode::kIoError, "the original changed since it was read");
  return env_.quarantine.Write(o.sha256_in + ".dcm", bytes);
}

// One held-back object: the original to the quarantine, the staged copy gone.
db::ObjectDecision SeriesWorker::HoldBack(int64_t object_id, ErrorCode code, std::string reason, const char* stage) {
  db::ObjectDecision d;
  d.object_id = object_id;
  d.state = db::ObjectState::kQuarantined;
  d.reason_code = ErrorCodeName(code);
  d.reason = std::move(reason);
  d.stage = stage;
  auto staged = env_.store.StagedById(object_id);
  if (!staged.ok()) {
    d.reason += " (original not copied to the quarantine: " + staged.status().message() + ")";
    return d;
  }
  auto kept = QuarantineOriginal(*staged);
  if (kept.ok())
    d.output_path = kept.value();
  else
    d.reason += " (original not copied to the quarantine: " + kept.status().message() + ")";
  ::unlink(staged->staging_path.c_str());
  env_.tally.Count(db::ObjectState::kQuarantined, code, 0, 0, 0);
  return d;
}

Status SeriesWorker::Process(int64_t run_id, const db::SeriesKey& key) {
  SeriesContext series;
  series.run_id = run_id;
  series.key = key;
  std::string hmac_series;
  Status read = env_.store.ForEachStaged(run_id, key, [&](db::StagedObject&& o) {
    if (series.members.empty()) {
      series.patient = o.patient;
      series.modality = o.modality;
      hmac_series = o.hmac_series_uid;
    }
    const ObjectFacts f = ObjectFacts::FromJson(o.facts_json);
    SeriesMember m;
    m.object_id = o.id;
    m.facts = {f.position, f.orientation, f.pixel_spacing, f.slice_thickness, f.instance_number, f.rows, f.columns,
               f.frames, f.pixel_regions_redacted, f.gantry_tilt, series.Intern(f.image_type),
               series.Intern(f.frame_of_reference)};
    series.members.push_back(m);
  });
  if (!read.ok()) return read;
  if (series.members.empty()) return Status::Ok();

  SeriesResult fate = SeriesResult::Continue();
  const char* decided_by = "series";
  for (auto& stage : stages_) {
    try {
      fate = stage->Run(series);
    } catch (...) {
      fate = SeriesResult::Quarantine(ErrorCode::kInternal, std::string("unexpected error in series stage ") + stage->name());
    }
    if (fate.quarantine_series) {
      decided_by = stage->name();
      break;
    }
  }

  // The series' output folder must be safe to write before its release is
  // committed (a link planted there would send the files elsewhere).
  // (A remote target records its deliveries; only a folder has folders.)
  if (!fate.quarantine_series && !env_.sink.records_deliveries()) {
    auto first = env_.store.StagedById(series.members.front().object_id);
    if (!first.ok()) return first.status();
    Status ready = env_.staging.PrepareOutputFolder(first->output_path);
    if (!ready.ok()) {
      fate = SeriesResult::Quarantine(ready.code(), "the output folder cannot be used: " + ready.message());
      decided_by = "release";
    }
  }

  db::SeriesRecord record;
  record.key = key;
  record.hmac_series_uid = hmac_series;
  record.patient = series.patient;
  record.modality = series.modality;
  record.quarantined = fate.quarantine_series;
  record.geometry_json = series.geometry_json;
  record.checks = series.checks;
  record.qc_json = series.qc_json;
  record.deface_json = series.deface_json;
  if (fate.quarantine_series) {
    record.reason_code = ErrorCodeName(fate.code);
    record.reason = fate.reason;
    record.stage = decided_by;
  }
  // Only held-back objects are listed one by one; the rest follow the series.
  std::vector<db::ObjectDecision> held_back;
  std::vector<std::pair<int64_t, std::vector<db::Finding>>> findings;
  std::vector<db::RewrittenObject> rewritten;
  for (size_t i = 0; i < series.members.size(); ++i) {
    const int64_t id = series.members[i].object_id;
    auto it = series.decisions.find(i);
    MemberDecision* d = it == series.decisions.end() ? nullptr : &it->second;
    if (d && d->rewritten && !fate.quarantine_series && !d->quarantine_code) rewritten.push_back(*d->rewritten);
    if (fate.quarantine_series) {
      held_back.push_back(HoldBack(id, fate.code, "series held back by " + std::string(decided_by) + ": " + fate.reason,
                                   decided_by));
    } else if (d && d->quarantine_code) {
      held_back.push_back(HoldBack(id, *d->quarantine_code, std::move(d->quarantine_reason), d->quarantined_by));
    } else if (d && !d->findings.empty()) {
      findings.emplace_back(id, std::move(d->findings));
      continue;
    } else {
      continue;
    }
    if (d) held_back.back().findings = std::move(d->findings);
  }
  series.members.clear();
  auto series_id = env_.store.DecideSeries(run_id, record, held_back, findings, rewritten);
  if (!series_id.ok()) return series_id.status();
  env_.tally.CountSeries(fate.quarantine_series);
  if (record.quarantined) return Status::Ok();

  // The rows say released: now the files follow. What the target did not
  // take leaves the series 'releasing'; the next start retries it (recovery.h).
  auto released = ReleaseSeries(env_.store, env_.sink, *series_id, &env_.tally);
  if (!released.ok()) return released.status();
  env_.tally.AddPending(released->pending);
  if (!env_.manifest) return Status::Ok();
  // Every file now in the output goes into the signed manifest.
  const std::string& root = env_.staging.output_root();
  Status appended = Status::Ok();
  Status listed = env_.store.ForEachReleasedFile(*series_id, [&](db::ProvenanceStore::ReleasedFile&& f) {
    if (!appended.ok() || f.output_path.rfind(root + "/", 0) != 0) return;
    ManifestEntry e;
    e.path = f.output_path.substr(root.size() + 1);
    e.sha256 = f.sha256_out;
    e.size = static_cast<uint64_t>(f.size_out);
    e.study_uid = key.study_uid;
    e.series_uid = key.series_uid;
    e.sop_uid = f.new_sop_uid;
    appended = env_.manifest->Append(f.object_id, std::move(e));
  });
  if (!listed.ok()) return listed;
  return appended;
}

}  // namespace rwd::gateway
