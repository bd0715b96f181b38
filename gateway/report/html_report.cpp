#include "gateway/report/html_report.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "gateway/report/html_text.h"
#include "gateway/report/svg_chart.h"

namespace rwd::gateway::report {
namespace {

constexpr const char* kStyle = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 16px;color:#222}
h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:28px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.num{text-align:right}.uid{font-family:monospace;font-size:11px;word-break:break-all}
.warn{background:#fff3cd}.fail{background:#f8d7da}.pass{background:#e6f4ea}.none{color:#777;font-style:italic}
.banner{background:#c0392b;color:#fff;padding:8px;font-weight:bold}
.cards{display:flex;flex-wrap:wrap;gap:8px}.card{border:1px solid #ccc;padding:6px;width:340px;break-inside:avoid;overflow:hidden}
.card table{font-size:11px;width:100%}
.card.flag{border:2px solid #c0392b}.card img{float:left;margin-right:6px;background:#000}
.charts{display:flex;flex-wrap:wrap;gap:12px}svg text{font-size:11px}svg .ct{font-weight:bold}
nav a{margin-right:10px}@media print{nav{display:none}.card{page-break-inside:avoid}}
)css";

std::string NotKept(const std::string& v) { return v.empty() ? "not kept" : v; }

std::string Section(const std::string& id, const std::string& title) {
  return "<section id=\"" + id + "\"><h2>" + Html(title) + "</h2>";
}

std::string None() { return "<p class=\"none\">none in this run</p>"; }

std::string Header(const ReportModel& m) {
  std::string s;
  if (m.internal)
    s += "<div class=\"banner\">INTERNAL REPORT: contains source paths and folders of the original export, which may "
         "identify patients. Do not share outside the data protection perimeter.</div>";
  s += "<h1>rwdgate cohort report, run " + std::to_string(m.run_id) + "</h1>";
  s += "<nav><a href=\"#accounting\">Accounting</a><a href=\"#composition\">Composition</a><a "
       "href=\"#acquisition\">Acquisition</a><a href=\"#series\">Series</a><a href=\"#pixels\">Pixels</a><a "
       "href=\"#defacing\">Defacing</a><a href=\"#deidentification\">De-identification</a></nav>";
  s += Section("run", "Run") + "<table>";
  auto row = [&](const std::string& k, const std::string& v) { s += "<tr><th>" + Html(k) + "</th><td>" + Html(v) + "</td></tr>"; };
  row("run id", std::to_string(m.run_id));
  row("status", m.status);
  row("started / ended (UTC)", m.started_at + " / " + m.ended_at);
  row("tool version", "rwdgate " + m.tool_version);
  row("profile", m.profile_name);
  row("profile SHA-256", m.profile_sha256);
  row("key fingerprint", m.key_fingerprint.empty() ? "not recorded" : m.key_fingerprint + " (SHA-256 of the key, truncated; never the key)");
  if (m.internal) {
    row("input folder", m.input_dir);
    row("output folder", m.output_dir);
  } else {
    row("input / output folders", "shown only in an internal report (rwdgate report --internal)");
  }
  s += "</table></section>";
  return s;
}

std::string Accounting(const ReportModel& m) {
  std::string s = Section("accounting", "Accounting: what became of every input file");
  s += "<table><tr><th>state</th><th>files</th></tr>";
  s += "<tr class=\"pass\"><td>released</td><td class=\"num\">" + std::to_string(m.released) + "</td></tr>";
  s += "<tr class=\"warn\"><td>quarantined</td><td class=\"num\">" + std::to_string(m.quarantined) + "</td></tr>";
  s += "<tr><td>rejected</td><td class=\"num\">" + std::to_string(m.rejected) + "</td></tr>";
  if (m.staged) s += "<tr class=\"fail\"><td>staged (not decided)</td><td class=\"num\">" + std::to_string(m.staged) + "</td></tr>";
  s += "</table>";
  if (m.reasons.empty()) return s + "<p>Every file was released.</p></section>";
  s += "<table><tr><th>state</th><th>reason</th><th>files</th></tr>";
  for (const auto& [k, n] : m.reasons)
    s += "<tr><td>" + Html(k.first) + "</td><td><a href=\"#nr-" + Html(k.first + "-" + k.second) + "\">" +
         Html(k.second.empty() ? "(none)" : k.second) + "</a></td><td class=\"num\">" + std::to_string(n) + "</td></tr>";
  return s + "</table></section>";
}

// The appendix the accounting links to: every object not released.
std::string NotReleased(const ReportModel& m) {
  if (m.not_released.empty()) return "";
  std::string s = Section("not-released", "Objects not released");
  if (!m.internal) s += "<p>Source paths are shown only in an internal report (they often carry patient names).</p>";
  std::string current;
  for (const NotReleasedView& o : m.not_released) {
    const std::string key = o.state + "-" + o.reason_code;
    if (key != current) {
      if (!current.empty()) s += "</table>";
      current = key;
      s += "<h3 id=\"nr-" + Html(key) + "\">" + Html(o.state) + ": " + Html(o.reason_code) + "</h3><table><tr>" +
           (m.internal ? "<th>source path</th>" : "") + "<th>stage</th><th>reason</th></tr>";
    }
    s += "<tr>" + (m.internal ? "<td>" + Html(o.source_path) + "</td>" : std::string()) + "<td>" + Html(o.stage) +
         "</td><td>" + Html(o.reason) + "</td></tr>";
  }
  if (!current.empty()) s += "</table>";
  return s + "</section>";
}

std::vector<std::pair<std::string, int64_t>> Bars(const std::map<std::string, int64_t>& m) {
  return std::vector<std::pair<std::string, int64_t>>(m.begin(), m.end());
}

std::string Composition(const ReportModel& m) {
  std::string s = Section("composition", "Cohort composition (released)");
  int64_t series = 0;
  for (const auto& [k, n] : m.series_by_modality) series += n;
  s += "<table><tr><th>patients</th><th>studies</th><th>series</th><th>instances</th><th>distinct protocols</th></tr><tr>";
  s += "<td class=\"num\">" + std::to_string(m.patients) + "</td><td class=\"num\">" + std::to_string(m.studies) +
       "</td><td class=\"num\">" + std::to_string(series) + "</td><td class=\"num\">" + std::to_string(m.released) +
       "</td><td class=\"num\">" + std::to_string(m.protocols) + "</td></tr></table>";
  s += "<table><tr><th>modality</th><th>series</th><th>instances</th></tr>";
  for (const auto& [mod, n] : m.instances_by_modality) {
    auto it = m.series_by_modality.find(mod);
    s += "<tr><td>" + Html(mod) + "</td><td class=\"num\">" + std::to_string(it == m.series_by_modality.end() ? 0 : it->second) +
         "</td><td class=\"num\">" + std::to_string(n) + "</td></tr>";
  }
  s += "</table><div class=\"charts\">" + BarChartSvg(Bars(m.series_by_modality), "series by modality") +
       BarChartSvg(Bars(m.instances_by_modality), "instances by modality") + "</div></section>";
  return s;
}

std::string Acquisition(const ReportModel& m) {
  std::string s = Section("acquisition", "Acquisition heterogeneity (released series)");
  s += "<p>Distinct protocols (modality, device, field strength, kernel, thickness, spacing, kVp, TR/TE, contrast): <b>" +
       std::to_string(m.protocols) + "</b>. \"not kept\": the profile removed it, or the objects do not have it.</p>";
  using Field = std::string AcquisitionFacts::*;
  struct Param {
    const char* name;
    Field field;
    const char* modality;  // counted only for series of this modality; "" = all
  };
  const std::vector<Param> fields = {
      {"manufacturer", &AcquisitionFacts::manufacturer, ""},
      {"model", &AcquisitionFacts::model, ""},
      {"field strength (T), MR", &AcquisitionFacts::field_strength_t, "MR"},
      {"convolution kernel, CT", &AcquisitionFacts::kernel, "CT"},
      {"slice thickness (mm)", &AcquisitionFacts::slice_thickness_mm, ""},
      {"pixel spacing (mm)", &AcquisitionFacts::pixel_spacing_mm, ""},
      {"kVp, CT", &AcquisitionFacts::kvp, "CT"},
      {"TR (ms), MR", &AcquisitionFacts::tr_ms, "MR"},
      {"TE (ms), MR", &AcquisitionFacts::te_ms, "MR"},
      {"contrast agent", &AcquisitionFacts::contrast, ""}};
  std::string table = "<table><tr><th>parameter</th><th>distinct values</th><th>series per value</th></tr>";
  std::string charts;
  bool any = false;
  for (const auto& [name, field, modality] : fields) {
    std::map<std::string, int64_t> counts;
    for (const SeriesView& v : m.series) {
      if (!v.acquisition || (*modality && v.modality != modality)) continue;
      const std::string& value = (*v.acquisition).*field;
      ++counts[field == &AcquisitionFacts::contrast && value.empty() ? "none / not kept" : NotKept(value)];
    }
    if (counts.empty()) continue;
    any = true;
    std::string per;
    for (const auto& [val, n] : counts) per += Html(val) + ": " + std::to_string(n) + "; ";
    table += "<tr><td>" + Html(name) + "</td><td class=\"num\">" + std::to_string(counts.size()) + "</td><td>" + per + "</td></tr>";
    charts += BarChartSvg(Bars(counts), name);
  }
  if (!any) return s + None() + "</section>";
  return s + table + "</table><div class=\"charts\">" + charts + "</div></section>";
}

std::string Geometry(const std::string& json) {
  const auto g = nlohmann::json::parse(json, nullptr, false);
  if (!g.is_object()) return "geometry not recorded";
  std::string s;
  auto put = [&](const char* k, const char* label, const char* unit) {
    if (g.contains(k) && !g[k].is_null() && g[k] != "") s += std::string(label) + " " + (g[k].is_number() ? Num(g[k].get<double>(), 4) : g[k].is_string() ? Html(g[k].get<std::string>()) : Html(g[k].dump())) + unit + "; ";
  };
  put("orientation", "orientation", "");
  put("rows", "rows", "");
  put("columns", "columns", "");
  put("spacing_median_mm", "spacing", " mm");
  put("slice_thickness_mm", "thickness", " mm");
  put("gaps", "gaps", "");
  put("duplicate_positions", "duplicates", "");
  return s;
}

std::string SeriesCard(const SeriesView& v, const ReportImages* images) {
  std::string thumbnail = v.thumbnail_jpeg_base64, error = v.thumbnail_error;
  if (thumbnail.empty() && error.empty() && images && !v.thumbnail_source.empty())
    thumbnail = images->SeriesThumbnail(v, &error);
  const bool flagged = v.verdict == "fail" || v.verdict == "warn" || v.state == "quarantined";
  std::string s = "<div class=\"card" + std::string(flagged ? " flag" : "") + "\" data-series=\"" + Html(v.series_uid) + "\">";
  if (!thumbnail.empty())
    s += "<img class=\"thumb\" alt=\"released middle slice\" src=\"data:image/jpeg;base64," + thumbnail + "\">";
  s += "<b>" + Html(v.modality) + "</b> " + Html(v.patient) + "<br><span class=\"uid\">" + Html(v.series_uid) + "</span><br>";
  s += std::to_string(v.released) + " of " + std::to_string(v.objects) + " slices released";
  if (v.state == "quarantined") s += "<br><b>held back</b>: " + Html(v.reason_code) + " " + Html(v.reason) + " (no thumbnail)";
  else if (thumbnail.empty()) s += "<br><span class=\"none\">no thumbnail (" + Html(error) + ")</span>";
  if (v.defaced) s += "<br>defaced";
  s += "<br><small>" + Geometry(v.geometry_json) + "</small><br style=\"clear:both\">";
  s += "<div>QC: <span class=\"" + Html(v.verdict.empty() ? "none" : v.verdict) + "\">" +
       Html(v.verdict.empty() ? "no checks" : v.verdict) + "</span></div>";
  if (!v.checks.empty()) {
    s += "<table><tr><th>check</th><th>value</th><th>threshold</th><th>verdict</th></tr>";
    for (const CheckView& c : v.checks)
      s += "<tr class=\"" + Html(c.verdict) + "\"><td>" + Html(c.name) + "</td><td class=\"num\">" + (c.value ? Num(*c.value) : "") +
           "</td><td class=\"num\">" + (c.threshold ? Num(*c.threshold) : "") + "</td><td>" + Html(c.verdict) + "</td></tr>";
    s += "</table>";
  }
  s += SpacingPlotSvg(v.slice_gaps_mm);
  return s + "</div>";
}

using Write = std::function<void(std::string_view)>;

void SeriesSection(const ReportModel& m, const ReportImages* images, const Write& write) {
  std::string s = Section("series", "Series");
  if (m.series.empty()) return write(s + None() + "</section>");
  s += "<p>Thumbnail: the released, de-identified middle slice (CT: the DICOM window or soft tissue; MR and others: 1st-99th "
       "percentile). Red border: QC warning or failure, or held back. Plot: spacing between consecutive slices along z.</p>";
  write(s + "<div class=\"cards\">");
  for (const SeriesView& v : m.series) write(SeriesCard(v, images));
  write("</div></section>");
}

void Pixels(const ReportModel& m, const ReportImages* images, const Write& write) {
  std::string s = Section("pixels", "Pixels: burned-in text redacted");
  if (m.redacted.empty()) return write(s + None() + "</section>");
  write(s + "<p>Released images with the filled boxes outlined in red.</p><div class=\"cards\">");
  for (const RedactedImageView& r : m.redacted) {
    std::string thumbnail = r.thumbnail_jpeg_base64;
    if (thumbnail.empty() && images && !r.source.empty()) thumbnail = images->RedactedThumbnail(r);
    s = "<div class=\"card redacted\">";
    if (!thumbnail.empty())
      s += "<img alt=\"redacted released image\" src=\"data:image/jpeg;base64," + thumbnail + "\"><br style=\"clear:both\">";
    write(s + std::to_string(r.boxes_redacted) + " box(es) redacted, " + std::to_string(r.boxes_kept) +
          " text region(s) kept<br><span class=\"uid\">" + Html(r.sop_uid) + "</span></div>");
  }
  write("</div></section>");
}

void Defacing(const ReportModel& m, const ReportImages* images, const Write& write) {
  std::string s = Section("defacing", "Defacing");
  if (m.defaced.empty()) return write(s + None() + "</section>");
  write(s + "<div class=\"cards\">");
  for (const DefaceView& d : m.defaced) {
    std::string png = d.render_png_base64;
    if (png.empty() && images && !d.render_path.empty()) png = images->DefaceRender(d);
    s = "<div class=\"card\">";
    if (!png.empty()) s += "<img alt=\"after-render\" src=\"data:image/png;base64," + png + "\"><br style=\"clear:both\">";
    s += "<span class=\"uid\">" + Html(d.series_uid) + "</span><table>";
    for (const auto& [k, v] : d.figures) s += "<tr><td>" + Html(k) + "</td><td class=\"num\">" + Html(v) + "</td></tr>";
    write(s + "</table></div>");
  }
  write("</div></section>");
}

std::string Deidentification(const ReportModel& m) {
  std::string s = Section("deidentification", "De-identification summary");
  s += "<h3>Header actions (released objects, summed)</h3>";
  if (m.header_actions.empty()) s += None();
  else {
    s += "<table><tr><th>action</th><th>attributes</th></tr>";
    for (const auto& [k, n] : m.header_actions) s += "<tr><td>" + Html(k) + "</td><td class=\"num\">" + std::to_string(n) + "</td></tr>";
    s += "</table>";
  }
  s += "<h3>Options in force</h3>";
  if (!m.profile_note.empty()) s += "<p class=\"none\">" + Html(m.profile_note) + "</p>";
  else {
    s += "<table>";
    for (const auto& [k, v] : m.options) s += "<tr><td>" + Html(k) + "</td><td>" + Html(v) + "</td></tr>";
    s += "</table><h3>Overrides (first match wins)</h3>";
    if (m.overrides.empty()) s += None();
    else {
      s += "<table>";
      for (const auto& [k, v] : m.overrides) s += "<tr><td>" + Html(k) + "</td><td>" + Html(v) + "</td></tr>";
      s += "</table>";
    }
  }
  s += "<h3>Findings by stage and kind</h3>";
  if (m.findings.empty()) return s + None() + "</section>";
  s += "<table><tr><th>stage</th><th>kind</th><th>findings</th></tr>";
  for (const auto& [k, n] : m.findings)
    s += "<tr><td>" + Html(k.first) + "</td><td>" + Html(k.second) + "</td><td class=\"num\">" + std::to_string(n) + "</td></tr>";
  return s + "</table></section>";
}

}  // namespace

void RenderHtmlReport(const ReportModel& m, const ReportImages* images, const Write& write) {
  std::string s = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>rwdgate run " +
                  std::to_string(m.run_id) + "</title><style>" + kStyle + "</style></head><body>";
  write(s + Header(m) + Accounting(m) + Composition(m) + Acquisition(m));
  SeriesSection(m, images, write);
  Pixels(m, images, write);
  Defacing(m, images, write);
  write(Deidentification(m) + NotReleased(m));
  write("<footer><p><small>Generated by rwdgate " + Html(m.tool_version) +
        ". Shows only released content: new UIDs, pseudonyms, released pixels.</small></p></footer></body></html>\n");
}

std::string RenderHtmlReport(const ReportModel& m, const ReportImages* images) {
  std::string page;
  RenderHtmlReport(m, images, [&](std::string_view piece) { page.append(piece); });
  return page;
}

}  // namespace rwd::gateway::report
