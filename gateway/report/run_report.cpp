#include "gateway/report/run_report.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "db/run_records.h"
#include "gateway/report/html_report.h"
#include "gateway/report/manifest_writer.h"
#include "gateway/private_file.h"
#include "gateway/report/report_gatherer.h"
#include "rules/profile_loader.h"

namespace rwd::gateway::report {
namespace {
namespace fs = std::filesystem;

// The profile named by the run's recorded command line (--profile FILE),
// when it can still be loaded.
std::optional<rules::Profile> ProfileOfRun(const db::RunRow& run) {
  const auto args = nlohmann::json::parse(run.arguments_json, nullptr, false);
  if (!args.is_array()) return std::nullopt;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (!args[i].is_string() || args[i].get<std::string>() != "--profile" || !args[i + 1].is_string()) continue;
    auto p = rules::LoadProfile(args[i + 1].get<std::string>());
    if (p.ok()) return std::move(*p);
  }
  return std::nullopt;
}

}  // namespace

std::string KeyFingerprint(std::span<const uint8_t> key) { return Sha256Hex(key).substr(0, 16); }

std::string DefaultReportPath(const std::string& work_dir, int64_t run_id) {
  return (fs::path(work_dir) / "reports" / ("run-" + std::to_string(run_id)) / "report.html").string();
}

Result<RunReportPaths> WriteRunReport(const RunReportOptions& opt) {
  auto reader = db::OpenRunReader((fs::path(opt.work_dir) / "rwdgate.db").string(), opt.run_id, opt.internal);
  if (!reader.ok()) return reader.status();
  const db::RunSource& records = **reader;
  GatherOptions g;
  g.internal = opt.internal;
  g.work_dir = opt.work_dir;
  std::optional<rules::Profile> loaded;
  if (opt.profile) g.profile = opt.profile;
  else if ((loaded = ProfileOfRun(records.Run()))) g.profile = &*loaded;
  const auto summary = nlohmann::json::parse(records.Run().summary_json, nullptr, false);
  if (summary.is_object()) g.key_fingerprint = summary.value("key_fingerprint", std::string());
  auto gathered = GatherReport(records, g);
  if (!gathered.ok()) return gathered.status();
  const ReportModel& model = *gathered;

  RunReportPaths paths;
  paths.run_id = records.Run().id;
  const fs::path dir = fs::path(DefaultReportPath(opt.work_dir, paths.run_id)).parent_path();
  if (Status made = MakePrivateDirs(dir.string()); !made.ok()) return made;
  ::chmod((fs::path(opt.work_dir) / "reports").c_str(), 0700);
  paths.report = opt.output.empty() ? (dir / "report.html").string() : opt.output;
  auto page = PrivateFileWriter::Open(paths.report);
  if (!page.ok()) return page.status();
  const ReleasedImages images(model, opt.work_dir);
  RenderHtmlReport(model, &images, [&](std::string_view piece) { page->Write(piece); });
  if (Status written = page->Commit(); !written.ok()) return written;
  Status s = WriteManifest(records, model, dir.string());
  if (!s.ok()) return s;
  paths.manifest_csv = (dir / "manifest.csv").string();
  paths.manifest_json = (dir / "manifest.json").string();
  return paths;
}

int ReportCommand(const ReportArgs& a) {
  RunReportOptions opt;
  opt.work_dir = a.workdir;
  if (a.run > 0) opt.run_id = a.run;
  opt.output = a.output;
  opt.internal = a.internal;
  auto paths = WriteRunReport(opt);
  if (!paths.ok()) {
    std::cerr << "rwdgate: report: " << paths.status().message() << "\n";
    return paths.status().code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (a.internal) std::cerr << "rwdgate: warning: internal report: it shows source paths, which may identify patients\n";
  std::cout << paths->report << "\n" << paths->manifest_csv << "\n" << paths->manifest_json << "\n";
  return 0;
}

}  // namespace rwd::gateway::report
