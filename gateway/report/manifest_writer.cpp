#include "gateway/report/manifest_writer.h"

#include <filesystem>
#include <nlohmann/json.hpp>
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

}  // namespace

Status WriteManifest(const db::RunSource& r, const ReportModel& m, const std::string& dir) {
  std::unordered_map<int64_t, const SeriesView*> series;
  for (const SeriesView& s : m.series) series[s.id] = &s;
  const fs::path out_dir = r.Run().output_dir;
  auto csv = PrivateFileWriter::Open((fs::path(dir) / "manifest.csv").string());
  if (!csv.ok()) return csv.status();
  auto json = PrivateFileWriter::Open((fs::path(dir) / "manifest.json").string());
  if (!json.ok()) return json.status();

  csv->Write("path,sha256,size,study_uid,series_uid,instance_uid,patient,modality,qc_verdict,defaced,pixels_cleaned\r\n");
  json->Write("[");
  bool first = true;
  Status read = r.ForEachObject([&](const db::ObjectRow& o) {
    if (o.state != "released") return;
    auto s = series.find(o.series_id);
    const std::string verdict = s == series.end() ? "" : s->second->verdict;
    const bool defaced = s != series.end() && s->second->defaced;
    std::string path = o.output_path;
    if (!out_dir.empty()) {
      const fs::path rel = fs::path(o.output_path).lexically_relative(out_dir);
      if (!rel.empty() && *rel.begin() != "..") path = rel.generic_string();
    }
    csv->Write(Csv(path) + "," + o.sha256_out + "," + std::to_string(o.size_out) + "," + Csv(o.new_study_uid) + "," +
               Csv(o.new_series_uid) + "," + Csv(o.new_sop_uid) + "," + Csv(o.patient) + "," + Csv(o.modality) + "," +
               verdict + "," + (defaced ? "yes" : "no") + "," + (o.pixels_cleaned ? "yes" : "no") + "\r\n");
    const nlohmann::json row = {{"path", path}, {"sha256", o.sha256_out}, {"size", o.size_out},
                                {"study_uid", o.new_study_uid}, {"series_uid", o.new_series_uid},
                                {"instance_uid", o.new_sop_uid}, {"patient", o.patient}, {"modality", o.modality},
                                {"qc_verdict", verdict}, {"defaced", defaced ? "yes" : "no"},
                                {"pixels_cleaned", o.pixels_cleaned ? "yes" : "no"}};
    json->Write((first ? "\n" : ",\n") + row.dump());
    first = false;
  });
  if (!read.ok()) return read;
  json->Write("\n]\n");
  if (Status s = csv->Commit(); !s.ok()) return s;
  return json->Commit();
}

}  // namespace rwd::gateway::report
