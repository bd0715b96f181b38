// The report and manifest from records the later stages (QC, defacing) will
// write: checks with their thresholds and the worst verdict flagged, the
// deface after-render and figures, the manifest's qc_verdict / defaced
// columns. Records are built in memory (no pipeline run).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "db/run_records.h"
#include "gateway/report/html_report.h"
#include "gateway/report/html_text.h"
#include "gateway/report/manifest_writer.h"
#include "gateway/report/report_gatherer.h"
#include "gateway/report/svg_chart.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::gateway::report;

namespace {

db::RunRecords Records(const std::string& dir) {
  db::RunRecords r;
  r.run.id = 7;
  r.run.status = "completed";
  r.run.output_dir = dir + "/out";
  db::SeriesRow s;
  s.id = 1, s.objects = 1, s.released = 1;
  s.new_study_uid = "2.25.1", s.new_series_uid = "2.25.2", s.patient = "RWDAAAA", s.modality = "MR", s.state = "released";
  r.series.push_back(s);
  db::ObjectRow o;
  o.id = 10, o.series_id = 1, o.size_out = 3, o.state = "released", o.stage = "release", o.modality = "MR";
  o.patient = "RWDAAAA", o.new_study_uid = "2.25.1", o.new_series_uid = "2.25.2", o.new_sop_uid = "2.25.3";
  o.output_path = dir + "/out/RWDAAAA/2.25.1/2.25.2/2.25.3.dcm", o.sha256_out = std::string(64, 'a');
  r.objects.push_back(o);
  r.checks.push_back({1, "2.25.2", "snr", "warn", 4.5, 5.0});
  r.checks.push_back({0, "2.25.2", "missing_slice", "pass", 0.0, 0.0});
  r.findings.push_back({10, "deface", "defaced", ""});
  r.findings.push_back({10, "deface", "deface_gate", R"({"render": "renders/a.png", "face_voxels_left": 0, "brain_dice": 0.98})"});
  return r;
}

}  // namespace

TEST_CASE("QC checks show value against threshold; the worst verdict flags the series and goes to the manifest") {
  testing::TempDir tmp;
  const db::RunRecords r = Records(tmp.path().string());
  auto gathered = GatherReport(r, {});
  REQUIRE(gathered.ok());
  const ReportModel& m = *gathered;
  REQUIRE(m.series.size() == 1);
  CHECK(m.series[0].verdict == "warn");
  CHECK(m.series[0].checks.size() == 2);  // by series_id, and by UID when series_id is missing
  const std::string html = RenderHtmlReport(m);
  CHECK(html.find("<div class=\"card flag\" data-series=\"2.25.2\"") != std::string::npos);
  CHECK(html.find("<td>snr</td><td class=\"num\">4.5</td><td class=\"num\">5</td><td>warn</td>") != std::string::npos);

  REQUIRE(WriteManifest(r, m, tmp.path().string()).ok());
  const auto rows = nlohmann::json::parse(testing::ReadText(tmp.File("manifest.json")));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["path"] == "RWDAAAA/2.25.1/2.25.2/2.25.3.dcm");
  CHECK(rows[0]["qc_verdict"] == "warn");
  CHECK(rows[0]["defaced"] == "yes");
  CHECK(rows[0]["pixels_cleaned"] == "no");
  CHECK(testing::ReadText(tmp.File("manifest.csv")).find(",MR,warn,yes,no\r\n") != std::string::npos);
}

TEST_CASE("the deface after-render is inlined with the gate's figures; without it the section says none") {
  testing::TempDir tmp;
  std::filesystem::create_directories(tmp.File("renders"));
  const std::string png = "\x89PNG\r\n\x1a\nfake";
  std::ofstream(tmp.File("renders/a.png"), std::ios::binary) << png;
  const db::RunRecords r = Records(tmp.path().string());
  GatherOptions g;
  g.work_dir = tmp.path().string();
  auto m = GatherReport(r, g);
  REQUIRE(m.ok());
  const ReleasedImages images(*m, g.work_dir);
  const std::string html = RenderHtmlReport(*m, &images);
  CHECK(html.find("data:image/png;base64," + Base64({reinterpret_cast<const uint8_t*>(png.data()), png.size()})) !=
        std::string::npos);
  CHECK(html.find("<td>brain_dice</td><td class=\"num\">0.98</td>") != std::string::npos);
  CHECK(html.find("renders/a.png") == std::string::npos);  // a path, not content

  db::RunRecords without = r;
  without.findings.clear();
  auto none = GatherReport(without, g);
  REQUIRE(none.ok());
  const std::string empty = RenderHtmlReport(*none, &images);
  const size_t defacing = empty.find("<section id=\"defacing\">");
  REQUIRE(defacing != std::string::npos);
  CHECK(empty.find("none in this run", defacing) < empty.find("</section>", defacing));
}

TEST_CASE("text helpers: HTML escaping, base64 (RFC 4648 test vectors), charts") {
  CHECK(Html("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  auto b64 = [](const std::string& s) { return Base64({reinterpret_cast<const uint8_t*>(s.data()), s.size()}); };
  CHECK(b64("") == "");
  CHECK(b64("f") == "Zg==");
  CHECK(b64("fo") == "Zm8=");
  CHECK(b64("foo") == "Zm9v");
  CHECK(b64("foobar") == "Zm9vYmFy");
  const std::string bars = BarChartSvg({{"CT", 4}, {"MR", 2}}, "series");
  CHECK(std::count(bars.begin(), bars.end(), '<') > 0);
  CHECK(bars.find("<rect") != std::string::npos);
  CHECK(bars.find("<rect", bars.find("<rect") + 1) != std::string::npos);  // one bar per value
  CHECK(BarChartSvg({}, "x").empty());
  // Regular spacing: no red point; one gap twice the median: one red point.
  CHECK(SpacingPlotSvg({2.5, 2.5, 2.5}).find("#c0392b") == std::string::npos);
  const std::string gap = SpacingPlotSvg({2.5, 5.0, 2.5, 2.5});
  CHECK(gap.find("#c0392b") != std::string::npos);
  CHECK(gap.find("#c0392b", gap.find("#c0392b") + 1) == std::string::npos);
}
