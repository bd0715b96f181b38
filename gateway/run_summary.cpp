#include "gateway/run_summary.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace rwd::gateway {
namespace {
double PerSecond(double v, double s) { return s > 0 ? v / s : 0; }
}  // namespace

std::string RunSummary::ToText() const {
  std::ostringstream o;
  char line[256];
  o << "rwdgate run " << run_id << " (profile " << profile_name << ") finished\n";
  std::snprintf(line, sizeof line, "  released     %8lld\n  quarantined  %8lld\n  rejected     %8lld\n",
                static_cast<long long>(released), static_cast<long long>(quarantined),
                static_cast<long long>(rejected));
  o << line;
  std::snprintf(line, sizeof line, "  %lld files, %.1f MB in, %.1f MB out, %.2f s, %.0f files/s, %.1f MB/s (%d workers)\n",
                static_cast<long long>(files()), bytes_in / 1e6, bytes_out / 1e6, seconds,
                PerSecond(static_cast<double>(files()), seconds), PerSecond(bytes_in / 1e6, seconds), workers);
  o << line;
  std::snprintf(line, sizeof line, "  %lld series released, %lld held back whole\n",
                static_cast<long long>(series - series_quarantined), static_cast<long long>(series_quarantined));
  o << line;
  if (gate_quarantined > 0)
    o << "  residual-PHI gate: " << gate_quarantined << " object(s) held back (an original identifier was found)\n";
  if (recovered_series > 0 || abandoned_staged > 0)
    o << "  after an interrupted run: " << recovered_series << " series' release finished, " << abandoned_staged
      << " staged object(s) redone\n";
  if (release_pending > 0)
    o << "  release pending: " << release_pending << " object(s) not yet confirmed by " << output_dir
      << " (kept staged; retried at the next start)\n";
  if (skipped_unchanged > 0) o << "  incremental: " << skipped_unchanged << " unchanged input(s) skipped\n";
  if (pixel_regions_redacted > 0)
    o << "  burned-in text: " << pixel_regions_redacted << " region(s) redacted in " << pixel_images_redacted
      << " released image(s)\n";
  if (!reasons.empty()) {
    o << "  why not released:\n";
    for (const auto& [why, n] : reasons) o << "    " << n << "  " << why << "\n";
  }
  o << "  cohort:      " << output_dir << "\n";
  o << "  database:    " << database << "\n";
  if (!qc_report.empty()) o << "  QC:          " << qc_report << "\n";
  o << "  quarantine:  " << quarantine_dir << "\n";
  o << "  key:         " << key_file << (key_created ? "  (NEW key created: keep it safe and back it up; "
                                                       "the same key gives the same pseudonyms next time)" : "")
    << "\n";
  if (!report.empty())
    o << "  report:      " << (report_error.empty() ? report : "NOT WRITTEN (" + report_error + "); rwdgate report writes it") << "\n";
  if (!manifest.empty()) o << "  manifest:    " << manifest << " (signed; check with: rwdgate verify " << output_dir << ")\n";
  if (signing_key_created)
    o << "  signing key: NEW; " << signing_public_key << " is the public key to give recipients\n";
  return o.str();
}

std::string RunSummary::ToJson() const {
  nlohmann::json j = {{"run_id", run_id},
                      {"profile", profile_name},
                      {"released", released},
                      {"quarantined", quarantined},
                      {"rejected", rejected},
                      {"files", files()},
                      {"bytes_in", bytes_in},
                      {"bytes_out", bytes_out},
                      {"seconds", seconds},
                      {"files_per_second", PerSecond(static_cast<double>(files()), seconds)},
                      {"mb_per_second", PerSecond(bytes_in / 1e6, seconds)},
                      {"workers", workers},
                      {"pixel_images_redacted", pixel_images_redacted},
                      {"pixel_regions_redacted", pixel_regions_redacted},
                      {"series", series},
                      {"series_quarantined", series_quarantined},
                      {"gate_quarantined", gate_quarantined},
                      {"recovered_series", recovered_series},
                      {"abandoned_staged", abandoned_staged},
                      {"release_pending", release_pending},
                      {"skipped_unchanged", skipped_unchanged},
                      {"output", output_dir},
                      {"database", database},
                      {"quarantine", quarantine_dir},
                      {"qc_report", qc_report},
                      {"report", report},
                      {"manifest", manifest},
                      {"key_fingerprint", key_fingerprint},
                      {"signing_key_created", signing_key_created},
                      {"key_file", key_file},
                      {"key_created", key_created},
                      {"reasons", reasons}};
  return j.dump();
}

}  // namespace rwd::gateway
