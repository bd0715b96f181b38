#include "gateway/qc_report.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gateway/private_file.h"
#include "gateway/staging_area.h"

namespace rwd::gateway {

Result<std::string> WriteQcReport(db::ProvenanceStore& store, int64_t run_id, const std::string& reports_dir) {
  auto rows = store.ListSeriesQc(run_id);
  if (!rows.ok()) return rows.status();
  nlohmann::json series = nlohmann::json::array();
  for (const auto& r : *rows) {
    nlohmann::json s = {{"series_uid", r.series_uid}, {"modality", r.modality}, {"state", r.state}};
    const nlohmann::json qc = nlohmann::json::parse(r.qc_json, nullptr, false);
    s["verdict"] = qc.is_object() ? qc.value("verdict", "na") : "na";
    s["flags"] = qc.is_object() && qc.contains("flags") ? qc["flags"] : nlohmann::json::array();
    s["pixels_checked"] = qc.is_object() && qc.value("pixels_checked", false);
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : r.checks) {
      checks.push_back({{"name", c.name},
                        {"value", c.value ? nlohmann::json(*c.value) : nlohmann::json(nullptr)},
                        {"threshold", c.threshold ? nlohmann::json(*c.threshold) : nlohmann::json(nullptr)},
                        {"verdict", c.verdict}});
    }
    s["checks"] = std::move(checks);
    series.push_back(std::move(s));
  }
  const std::string text = nlohmann::json({{"run_id", run_id}, {"series", series}}).dump(1);
  if (Status made = MakePrivateDirs(reports_dir); !made.ok()) return made;
  const std::string path = reports_dir + "/qc.json";
  if (Status written = WritePrivateFile(path, text); !written.ok()) return written;
  return path;
}

}  // namespace rwd::gateway
