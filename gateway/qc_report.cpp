#include "gateway/qc_report.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gateway/private_file.h"
#include "gateway/staging_area.h"

namespace rwd::gateway {

Result<std::string> WriteQcReport(db::ProvenanceStore& store, int64_t run_id, const std::string& reports_dir) {
  if (Status made = MakePrivateDirs(reports_dir); !made.ok()) return made;
  const std::string path = reports_dir + "/qc.json";
  auto out = PrivateFileWriter::Open(path);
  if (!out.ok()) return out.status();
  // {"run_id": N, "series": [...]}, a series a line.
  out->Write("{\"run_id\": " + std::to_string(run_id) + ", \"series\": [");
  bool first = true;
  Status read = store.ForEachSeriesQc(run_id, [&](const db::ProvenanceStore::SeriesQcRow& r) {
    nlohmann::json s = {{"series_uid", r.series_uid}, {"modality", r.modality}, {"state", r.state}};
    const nlohmann::json qc = nlohmann::json::parse(r.qc_json, nullptr, false);
    s["verdict"] = qc.is_object() ? qc.value("verdict", "na") : "na";
    s["flags"] = qc.is_object() && qc.contains("flags") ? qc["flags"] : nlohmann::json::array();
    s["pixels_checked"] = qc.is_object() && qc.value("pixels_checked", false);
    const nlohmann::json basis = qc.is_object() && qc.contains("basis") && qc["basis"].is_object()
                                     ? qc["basis"]
                                     : nlohmann::json::object();
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : r.checks) {
      nlohmann::json check = {{"name", c.name},
                              {"value", c.value ? nlohmann::json(*c.value) : nlohmann::json(nullptr)},
                              {"threshold", c.threshold ? nlohmann::json(*c.threshold) : nlohmann::json(nullptr)},
                              {"verdict", c.verdict}};
      // How the threshold was set: "absolute", or "cohort z, n=N" (with the z).
      if (c.verdict != "na") {
        const auto b = basis.find(c.name);
        check["basis"] = b != basis.end() && b->is_object() ? b->value("basis", "absolute") : "absolute";
        if (b != basis.end() && b->is_object() && b->contains("z")) check["z"] = (*b)["z"];
        if (b != basis.end() && b->is_object() && b->contains("cohort_n")) check["cohort_n"] = (*b)["cohort_n"];
      }
      checks.push_back(std::move(check));
    }
    s["checks"] = std::move(checks);
    out->Write((first ? "\n" : ",\n") + s.dump());
    first = false;
  });
  if (!read.ok()) return read;
  out->Write("\n]}\n");
  if (Status written = out->Commit(); !written.ok()) return written;
  return path;
}

}  // namespace rwd::gateway
