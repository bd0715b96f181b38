#include "gateway/qc_report.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

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
  std::error_code ec;
  std::filesystem::create_directories(reports_dir, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot create " + reports_dir + ": " + ec.message());
  const std::string path = reports_dir + "/qc.json";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot write " + path);
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const bool ok = WriteAll(fd, {p, text.size()}, {});
  if (::close(fd) != 0 || !ok) return Status::Error(ErrorCode::kIoError, "cannot write " + path);
  return path;
}

}  // namespace rwd::gateway
