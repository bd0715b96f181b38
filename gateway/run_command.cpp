#include "gateway/run_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "anonymizer/pixel/pixel_cleaner.h"
#include "anonymizer/secret_key.h"
#include "core/log.h"
#include "db/provenance_store.h"
#include "gateway/pipeline.h"
#include "gateway/qc_report.h"
#include "gateway/release_manifest.h"
#include "gateway/signing_key.h"
#include "gateway/report/run_report.h"
#include "gateway/workdir_lock.h"
#include "rules/profile_loader.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

namespace {
constexpr int kExitOk = 0, kExitFatal = 1, kExitUsage = 2, kExitBusy = 3;

int Fail(int code, const std::string& message) {
  std::cerr << "rwdgate: " << message << "\n";
  return code;
}

bool Inside(const fs::path& child, const fs::path& parent) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(child, ec), p = fs::weakly_canonical(parent, ec);
  auto ci = c.begin(), pi = p.begin();
  for (; pi != p.end(); ++pi, ++ci)
    if (ci == c.end() || *ci != *pi) return false;
  return true;
}
}  // namespace

int RunCommand(const RunArgs& a) {
  auto profile = rules::LoadProfile(a.profile);
  if (!profile.ok()) return Fail(kExitUsage, profile.status().message());
  // A profile that cleans pixels needs the OCR data: fail at start, not per object.
  if (profile->pixels.burned_in != rules::BurnedInMode::kQuarantineAtRisk) {
    Status ready = anon::pixel::PixelCleaner::CheckAvailable(profile->pixels);
    if (!ready.ok()) return Fail(kExitUsage, "pixel cleaning unavailable: " + ready.message());
  }
  std::error_code ec;
  if (!fs::is_directory(a.input, ec)) return Fail(kExitUsage, "--input " + a.input + " is not a folder");
  if (Inside(a.output, a.input) || Inside(a.input, a.output))
    return Fail(kExitUsage, "--output and --input must not contain each other");
  if (Inside(a.workdir, a.input)) return Fail(kExitUsage, "--workdir must not be inside --input");

  // The work dir holds the database, the quarantine (originals) and often
  // the key: owner-only, and one process at a time.
  const bool workdir_existed = fs::exists(a.workdir, ec);
  fs::create_directories(a.workdir, ec);
  if (ec) return Fail(kExitFatal, "cannot create work dir " + a.workdir + ": " + ec.message());
  ::chmod(a.workdir.c_str(), 0700);
  auto lock = WorkdirLock::Acquire(a.workdir);
  if (!lock.ok()) return Fail(lock.status().code() == ErrorCode::kUnsafe ? kExitBusy : kExitFatal, lock.status().message());
  std::string key_path = !a.key.empty() ? a.key : !profile->key_file.empty() ? profile->key_file
                                                                              : (fs::path(a.workdir) / "project.key").string();
  auto key = anon::LoadOrCreateKey(key_path);
  if (!key.ok()) {
    if (!workdir_existed) fs::remove_all(a.workdir, ec);  // leave nothing behind for a refused start
    return Fail(kExitUsage, key.status().message());
  }

  const std::string db_path = (fs::path(a.workdir) / "rwdgate.db").string();
  // Created owner-only before SQLite opens it (its -wal and -shm files take
  // the database file's mode).
  if (const int fd = ::open(db_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600); fd >= 0) {
    ::fchmod(fd, 0600);
    ::close(fd);
  }
  auto store = db::ProvenanceStore::Open(db_path);
  if (!store.ok()) return Fail(kExitFatal, store.status().message());
  (*store)->MarkStaleRunsInterrupted();

  db::RunInfo info;
  info.profile_name = profile->name;
  info.profile_sha256 = profile->sha256;
  info.tool_version = RWD_VERSION;
  info.arguments_json = nlohmann::json(a.argv).dump();
  info.input_dir = fs::absolute(a.input).string();
  info.output_dir = fs::absolute(a.output).string();
  auto run_id = (*store)->BeginRun(info);
  if (!run_id.ok()) return Fail(kExitFatal, run_id.status().message());

  PipelineOptions opt;
  opt.input_dir = a.input;
  opt.output_dir = a.output;
  opt.work_dir = a.workdir;
  opt.quarantine_dir = (fs::path(a.workdir) / "quarantine").string();
  opt.workers = a.workers > 0 ? a.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  opt.progress = !a.json && !a.quiet;
  opt.exclude = {a.output, a.workdir};
  opt.follow_links = a.follow_links;
  if (a.record_paths == "hmac") opt.path_key = key->bytes;
  // The manifest's signing key: made on the first run, like the project key.
  bool signing_created = false;
  auto signing = LoadSigningKey(a.workdir);
  if (!signing.ok()) {
    if (fs::exists(fs::path(a.workdir) / kSigningKeyFile)) return Fail(kExitUsage, signing.status().message());
    auto made = CreateSigningKey(a.workdir, false);
    if (!made.ok()) return Fail(kExitFatal, made.status().message());
    signing = LoadSigningKey(a.workdir);
    if (!signing.ok()) return Fail(kExitFatal, signing.status().message());
    signing_created = true;
  }
  opt.signing_key_pem = *signing;
  anon::KeyedIds ids(key->bytes);
  Pipeline pipeline(*profile, ids, **store, opt);
  auto summary = pipeline.Run(*run_id);
  if (!summary.ok()) {
    (*store)->EndRun(*run_id, "failed", "{}");
    return Fail(kExitFatal, "run failed: " + summary.status().ToString());
  }
  summary->database = db_path;
  auto qc_report = WriteQcReport(**store, *run_id, (fs::path(a.workdir) / "reports" / ("run-" + std::to_string(*run_id))).string());
  if (!qc_report.ok()) return Fail(kExitFatal, qc_report.status().message());
  summary->qc_report = *qc_report;
  summary->key_file = key_path;
  summary->key_created = key->created;
  // The report's path and the key's fingerprint join the summary (stored
  // with the run, printed by --json); the report is written once the run
  // has ended, from the database.
  nlohmann::json summary_json = nlohmann::json::parse(summary->ToJson());
  summary_json["report"] = fs::absolute(report::DefaultReportPath(a.workdir, *run_id)).string();
  summary_json["key_fingerprint"] = report::KeyFingerprint(key->bytes);
  const fs::path manifest_path = fs::path(a.output) / kManifestFile;
  summary_json["manifest"] = fs::exists(manifest_path) ? fs::absolute(manifest_path).string() : "";
  summary_json["signing_key_created"] = signing_created;
  Status s = (*store)->EndRun(*run_id, "completed", summary_json.dump());
  if (!s.ok()) return Fail(kExitFatal, s.message());
  report::RunReportOptions report_options;
  report_options.work_dir = a.workdir;
  report_options.run_id = *run_id;
  report_options.profile = &*profile;
  // A report that cannot be written does not undo the run (its output and
  // database are complete): the summary is still printed, the exit code is 1
  // and `rwdgate report` can write it later.
  auto written = report::WriteRunReport(report_options);
  std::string report_line =
      written.ok() ? "  report:      " + written->report + "\n" : "  report:      NOT WRITTEN (" + written.status().message() + ")\n";
  if (fs::exists(manifest_path))
    report_line += "  manifest:    " + manifest_path.string() + " (signed; check with: rwdgate verify " + a.output + ")\n";
  if (signing_created)
    report_line += "  signing key: NEW, " + (fs::path(a.workdir) / kSigningPublicKeyFile).string() +
                   " is the public key to give recipients\n";

  if (a.json) {
    std::cout << summary_json.dump() << std::endl;
    if (!a.quiet) std::cerr << summary->ToText() << report_line;
  } else if (!a.quiet) {
    std::cout << summary->ToText() << report_line;
  }
  if (!written.ok()) return Fail(kExitFatal, "run completed, but the report failed: " + written.status().message());
  return kExitOk;
}

}  // namespace rwd::gateway
