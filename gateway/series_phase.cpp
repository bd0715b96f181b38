#include "gateway/series_phase.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "core/crypto.h"
#include "core/log.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

SeriesWorker::SeriesWorker(SeriesPhaseEnv env, const std::vector<SeriesStageFactory>& stages) : env_(env) {
  for (const SeriesStageFactory& make : stages) stages_.push_back(make());
}

// The original bytes, re-read from the input and checked against the hash
// taken at ingest (the input may have changed since).
Result<std::string> SeriesWorker::QuarantineOriginal(const db::StagedObject& o) {
  const std::string path = env_.input_dir + "/" + o.source_path;
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
  if (Sha256Hex(bytes) != o.sha256_in)
    return Status::Error(ErrorCode::kIoError, "the original changed since it was read");
  return env_.quarantine.Write(o.sha256_in + ".dcm", bytes);
}

Status SeriesWorker::Process(int64_t run_id, const db::SeriesKey& key) {
  auto staged = env_.store.StagedObjectsOf(run_id, key);
  if (!staged.ok()) return staged.status();
  SeriesContext series;
  series.run_id = run_id;
  series.key = key;
  for (db::StagedObject& o : *staged) {
    SeriesMember m;
    m.facts = ObjectFacts::FromJson(o.facts_json);
    m.staged = std::move(o);
    series.members.push_back(std::move(m));
  }
  if (series.members.empty()) return Status::Ok();
  series.patient = series.members.front().staged.patient;
  series.modality = series.members.front().staged.modality;

  SeriesResult fate = SeriesResult::Continue();
  const char* decided_by = "";
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

  db::SeriesRecord record;
  record.key = key;
  record.patient = series.patient;
  record.modality = series.modality;
  record.quarantined = fate.quarantine_series;
  record.geometry_json = series.geometry_json;
  record.checks = series.checks;
  record.objects = static_cast<int64_t>(series.members.size());
  if (fate.quarantine_series) {
    record.reason_code = ErrorCodeName(fate.code);
    record.reason = fate.reason;
  }
  std::vector<db::ObjectDecision> decisions;
  std::vector<std::pair<std::string, std::string>> moves;  // staging -> output
  for (SeriesMember& m : series.members) {
    db::ObjectDecision d;
    d.object_id = m.staged.id;
    d.findings = std::move(m.findings);
    ErrorCode code = ErrorCode::kOk;
    if (fate.quarantine_series || m.quarantine_code) {
      code = fate.quarantine_series ? fate.code : *m.quarantine_code;
      d.state = db::ObjectState::kQuarantined;
      d.reason_code = ErrorCodeName(code);
      d.reason = fate.quarantine_series ? "series held back by " + std::string(decided_by) + ": " + fate.reason
                                        : m.quarantine_reason;
      d.stage = fate.quarantine_series ? decided_by : m.quarantined_by;
      auto kept = QuarantineOriginal(m.staged);
      if (kept.ok()) {
        d.output_path = kept.value();
      } else {
        d.reason += " (original not copied to the quarantine: " + kept.status().message() + ")";
        d.output_path = "";
      }
    } else {
      d.state = db::ObjectState::kReleased;
      ++record.released;
      moves.emplace_back(m.staged.staging_path, m.staged.output_path);
    }
    env_.tally.Count(d.state, code, 0, d.state == db::ObjectState::kReleased ? m.staged.size_out : 0,
                     m.facts.pixel_regions_redacted);
    decisions.push_back(std::move(d));
  }
  // For a quarantined object the output path column keeps the quarantine copy.
  auto series_id = env_.store.DecideSeries(run_id, record, decisions);
  if (!series_id.ok()) return series_id.status();
  env_.tally.CountSeries(fate.quarantine_series);
  for (SeriesMember& m : series.members)
    if (fate.quarantine_series || m.quarantine_code) ::unlink(m.staged.staging_path.c_str());
  for (const auto& [from, to] : moves) {
    Status s = env_.staging.Promote(from, to);
    // The row says released: the file must follow. A failed rename stays
    // 'releasing' and is retried at the next start.
    if (!s.ok()) {
      LogError("release: " + s.message() + " (series " + std::to_string(*series_id) + "; retried at the next start)");
      return Status::Ok();
    }
  }
  if (!record.quarantined) return env_.store.MarkSeriesReleased(*series_id);
  return Status::Ok();
}

}  // namespace rwd::gateway
