#include "gateway/gateway_session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "anonymizer/pixel/pixel_cleaner.h"
#include "anonymizer/secret_key.h"
#include "core/crypto.h"
#include "gateway/pipeline.h"
#include "gateway/qc_report.h"
#include "gateway/release_manifest.h"
#include "gateway/report/run_report.h"
#include "gateway/signing_key.h"
#include "gateway/release/release_target.h"
#include "rules/profile_loader.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

namespace {
int Fail(int code, const std::string& message) {
  std::cerr << "rwdgate: " << message << "\n";
  return code;
}
}  // namespace

std::string KeyFingerprint(const std::vector<uint8_t>& key) {
  std::string text = "rwdgate key fingerprint v1:";
  text.append(key.begin(), key.end());
  return Sha256Hex(text);
}

int OpenSession(const SessionArgs& a, Session& s) {
  auto profile = rules::LoadProfile(a.profile);
  if (!profile.ok()) return Fail(kExitUsage, profile.status().message());
  s.profile = std::move(profile).value();
  s.argv = a.argv;
  s.log = RunLog(a.log);
  // A profile that cleans pixels needs the OCR data: fail at start, not per object.
  if (s.profile.pixels.burned_in != rules::BurnedInMode::kQuarantineAtRisk) {
    Status ready = anon::pixel::PixelCleaner::CheckAvailable(s.profile.pixels);
    if (!ready.ok()) return Fail(kExitUsage, "pixel cleaning unavailable: " + ready.message());
  }
  if (a.release_to.empty() == a.output.empty())
    return Fail(kExitUsage, "give exactly one of --output DIR and --release-to URL");
  std::string credentials;
  if (!a.credentials.empty()) {
    auto c = ReadCredentials(a.credentials);
    if (!c.ok()) return Fail(kExitUsage, c.status().message());
    credentials = *c;
  }
  if (!a.release_to.empty()) {
    auto target = ParseReleaseTarget(a.release_to);
    if (!target.ok()) return Fail(kExitUsage, target.status().message());
    s.remote = MakeRemoteSink(*target, credentials, a.calling_ae, RetryPolicy{});
    s.target = s.remote->target();
  } else {
    // One spelling of the folder for every run: rows and the manifest check compare paths under it.
    s.target = fs::absolute(a.output).lexically_normal().string();
    while (s.target.size() > 1 && s.target.back() == '/') s.target.pop_back();
  }

  std::error_code ec;
  const bool workdir_existed = fs::exists(a.workdir, ec);
  fs::create_directories(a.workdir, ec);
  if (ec) return Fail(kExitFatal, "cannot create work dir " + a.workdir + ": " + ec.message());
  ::chmod(a.workdir.c_str(), 0700);
  auto lock = WorkdirLock::Acquire(a.workdir);
  if (!lock.ok()) return Fail(lock.status().code() == ErrorCode::kUnsafe ? kExitBusy : kExitFatal, lock.status().message());
  s.lock.emplace(std::move(lock).value());
  s.key_path = !a.key.empty() ? a.key : !s.profile.key_file.empty() ? s.profile.key_file
                                                                     : (fs::path(a.workdir) / "project.key").string();
  auto key = anon::LoadOrCreateKey(s.key_path);
  if (!key.ok()) {
    if (!workdir_existed) fs::remove_all(a.workdir, ec);  // leave nothing behind for a refused start
    return Fail(kExitUsage, key.status().message());
  }
  s.key_created = key->created;
  s.key_fingerprint = KeyFingerprint(key->bytes);
  s.ids = std::make_unique<anon::KeyedIds>(key->bytes);
  s.key_bytes = key->bytes;
  s.record_paths_hmac = a.record_paths != "clear";
  s.follow_links = a.follow_links;
  // The manifest's signing key: made on the first run, like the project key.
  auto signing = LoadSigningKey(a.workdir);
  if (!signing.ok()) {
    if (fs::exists(fs::path(a.workdir) / kSigningKeyFile)) return Fail(kExitUsage, signing.status().message());
    auto made = CreateSigningKey(a.workdir, false);
    if (!made.ok()) return Fail(kExitFatal, made.status().message());
    signing = LoadSigningKey(a.workdir);
    if (!signing.ok()) return Fail(kExitFatal, signing.status().message());
    s.signing_created = true;
  }
  s.signing_key_pem = *signing;
  if (!a.cohort.empty()) {
    auto cohort = Cohort::Load(a.cohort, *s.ids);
    if (!cohort.ok()) return Fail(kExitUsage, cohort.status().message());
    s.cohort.emplace(*cohort);  // a copy (a move trips GCC 12's -Wfree-nonheap-object on unordered_set)
  }

  s.db_path = (fs::path(a.workdir) / "rwdgate.db").string();
  // Created owner-only before SQLite opens it (its -wal and -shm files take
  // the database file's mode).
  if (const int fd = ::open(s.db_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600); fd >= 0) {
    ::fchmod(fd, 0600);
    ::close(fd);
  }
  auto store = db::ProvenanceStore::Open(s.db_path);
  if (!store.ok()) return Fail(kExitFatal, store.status().message());
  s.store = std::move(store).value();
  s.store->MarkStaleRunsInterrupted();
  return kExitOk;
}

Result<RunSummary> RunPass(Session& s, const PassOptions& pass) {
  const std::string work_dir = fs::path(s.db_path).parent_path().string();
  db::RunInfo info;
  info.profile_name = s.profile.name;
  info.profile_sha256 = s.profile.sha256;
  info.tool_version = RWD_VERSION;
  info.arguments_json = nlohmann::json(s.argv).dump();
  info.input_dir = fs::absolute(pass.input_dir).string();
  info.output_dir = s.target;
  auto run_id = s.store->BeginRun(info);
  if (!run_id.ok()) return run_id.status();
  Status ctx = s.store->SetRunContext(*run_id, s.key_fingerprint, s.target);
  if (!ctx.ok()) return ctx;
  s.log.Event("start", "run=" + std::to_string(*run_id) + " profile=" + s.profile.name + " target=" + s.target +
                           (pass.incremental ? (pass.verify ? " incremental=verify" : " incremental") : ""));

  std::optional<IncrementalIndex> index;
  if (pass.incremental) {
    auto loaded = IncrementalIndex::Load(*s.store, info.input_dir, s.profile.sha256, s.key_fingerprint, pass.verify);
    if (!loaded.ok()) return loaded.status();
    index.emplace(std::move(loaded).value());
  }
  PipelineOptions opt;
  opt.input_dir = pass.input_dir;
  opt.output_dir = s.remote ? std::string() : s.target;
  opt.work_dir = work_dir;
  opt.quarantine_dir = (fs::path(work_dir) / "quarantine").string();
  opt.workers = pass.workers > 0 ? pass.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  opt.progress = pass.progress;
  opt.exclude = pass.exclude;
  opt.remote_sink = s.remote;
  opt.cohort = s.cohort ? &*s.cohort : nullptr;
  opt.incremental = index ? &*index : nullptr;
  opt.follow_links = s.follow_links;
  if (s.record_paths_hmac) opt.path_key = s.key_bytes;
  if (!s.remote) opt.signing_key_pem = s.signing_key_pem;
  Pipeline pipeline(s.profile, *s.ids, *s.store, opt);
  auto summary = pipeline.Run(*run_id);
  if (!summary.ok()) {
    s.store->EndRun(*run_id, "failed", "{}");
    s.log.Event("error", "run=" + std::to_string(*run_id) + " code=" + ErrorCodeName(summary.status().code()));
    return summary.status();
  }
  summary->database = s.db_path;
  summary->key_file = s.key_path;
  summary->key_created = s.key_created;
  summary->output_dir = s.target;
  const std::string reports = (fs::path(work_dir) / "reports" / ("run-" + std::to_string(*run_id))).string();
  auto qc_report = WriteQcReport(*s.store, *run_id, reports);
  if (!qc_report.ok()) return qc_report.status();
  summary->qc_report = *qc_report;
  summary->report = fs::absolute(report::DefaultReportPath(work_dir, *run_id)).string();
  summary->key_fingerprint = s.key_fingerprint;
  const fs::path manifest_path = fs::path(s.target) / kManifestFile;
  if (!s.remote && fs::exists(manifest_path)) summary->manifest = fs::absolute(manifest_path).string();
  summary->signing_key_created = s.signing_created;
  if (s.signing_created) summary->signing_public_key = (fs::path(work_dir) / kSigningPublicKeyFile).string();
  Status ended = s.store->EndRun(*run_id, "completed", summary->ToJson());
  if (!ended.ok()) return ended;
  // The report is written from the database once the run has ended. A report
  // that fails does not undo the run: `rwdgate report` can write it later.
  report::RunReportOptions ro;
  ro.work_dir = work_dir;
  ro.run_id = *run_id;
  ro.profile = &s.profile;
  auto written = report::WriteRunReport(ro);
  if (!written.ok()) summary->report_error = written.status().message();
  s.log.Event("end", "run=" + std::to_string(*run_id) + " files=" + std::to_string(summary->files()) +
                         " released=" + std::to_string(summary->released) +
                         " quarantined=" + std::to_string(summary->quarantined) +
                         " rejected=" + std::to_string(summary->rejected) +
                         " skipped_unchanged=" + std::to_string(summary->skipped_unchanged) +
                         " release_pending=" + std::to_string(summary->release_pending) +
                         " seconds=" + std::to_string(summary->seconds));
  return summary;
}

}  // namespace rwd::gateway
