#include "gateway/report/manifest_writer.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "gateway/private_file.h"

namespace rwd::gateway::report {
namespace {
namespace fs = std::filesystem;

std::string Csv(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

Status WriteAtomically(const fs::path& path, const std::string& text) { return WritePrivateFile(path.string(), text); }

}  // namespace

Status WriteManifest(const db::RunRecords& r, const ReportModel& m, const std::string& dir) {
  std::unordered_map<int64_t, const SeriesView*> series;
  for (const SeriesView& s : m.series) series[s.id] = &s;
  std::set<int64_t> cleaned;
  for (const db::FindingRow& f : r.findings)
    if (f.stage == "pixels" && f.kind == "pixels_cleaned") cleaned.insert(f.object_id);
  const fs::path out_dir = r.run.output_dir;

  std::string csv = "path,sha256,size,study_uid,series_uid,instance_uid,patient,modality,qc_verdict,defaced,pixels_cleaned\r\n";
  nlohmann::json rows = nlohmann::json::array();
  for (const db::ObjectRow& o : r.objects) {
    if (o.state != "released") continue;
    auto s = series.find(o.series_id);
    const std::string verdict = s == series.end() ? "" : s->second->verdict;
    const bool defaced = s != series.end() && s->second->defaced;
    std::string path = o.output_path;
    if (!out_dir.empty()) {
      const fs::path rel = fs::path(o.output_path).lexically_relative(out_dir);
      if (!rel.empty() && *rel.begin() != "..") path = rel.generic_string();
    }
    const bool clean = cleaned.count(o.id) > 0;
    csv += Csv(path) + "," + o.sha256_out + "," + std::to_string(o.size_out) + "," + Csv(o.new_study_uid) + "," +
           Csv(o.new_series_uid) + "," + Csv(o.new_sop_uid) + "," + Csv(o.patient) + "," + Csv(o.modality) + "," + verdict +
           "," + (defaced ? "yes" : "no") + "," + (clean ? "yes" : "no") + "\r\n";
    rows.push_back({{"path", path}, {"sha256", o.sha256_out}, {"size", o.size_out}, {"study_uid", o.new_study_uid},
                    {"series_uid", o.new_series_uid}, {"instance_uid", o.new_sop_uid}, {"patient", o.patient},
                    {"modality", o.modality}, {"qc_verdict", verdict}, {"defaced", defaced ? "yes" : "no"},
                    {"pixels_cleaned", clean ? "yes" : "no"}});
  }
  Status s = WriteAtomically(fs::path(dir) / "manifest.csv", csv);
  if (!s.ok()) return s;
  return WriteAtomically(fs::path(dir) / "manifest.json", rows.dump(1) + "\n");
}

}  // namespace rwd::gateway::report
