#include "gateway/report/report_gatherer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>

#include "anonymizer/pixel/thumbnail.h"
#include "core/dicom_file.h"
#include "core/pixel_data.h"
#include "gateway/object_facts.h"
#include "gateway/report/html_text.h"
#include "gateway/report/profile_options.h"

namespace rwd::gateway::report {
namespace {
namespace fs = std::filesystem;

std::optional<std::vector<uint8_t>> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

int VerdictRank(const std::string& v) { return v == "fail" ? 3 : v == "warn" ? 2 : v == "pass" ? 1 : 0; }

// Position of a slice along its normal (row x column cosines), or its
// instance number when the geometry is missing.
double SlicePosition(const ObjectFacts& f) {
  if (f.position && f.orientation) {
    const auto& o = *f.orientation;
    const double n[3] = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
    const auto& p = *f.position;
    return p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
  }
  return f.instance_number.value_or(0);
}

// Boxes outlined on a redacted image: {"box": [x, y, w, h], "action": "redacted"}.
std::optional<anon::pixel::ThumbnailBox> RedactedBox(const std::string& detail, bool* redacted) {
  const auto j = nlohmann::json::parse(detail, nullptr, false);
  if (!j.is_object() || !j.contains("box") || !j["box"].is_array() || j["box"].size() != 4) return std::nullopt;
  for (const auto& v : j["box"])
    if (!v.is_number()) return std::nullopt;
  *redacted = j.value("action", std::string("redacted")) == "redacted";
  return anon::pixel::ThumbnailBox{j["box"][0].get<int>(), j["box"][1].get<int>(), j["box"][2].get<int>(),
                                   j["box"][3].get<int>()};
}

struct Released {
  std::optional<DicomFile> file;
  std::string error;
};

// Parses a released file (the output of this run: de-identified).
Released OpenReleased(const db::ObjectRow& o) {
  Released r;
  auto bytes = ReadBytes(o.output_path);
  if (!bytes) {
    r.error = "IoError";
    return r;
  }
  auto file = DicomFile::Parse(*bytes);
  if (!file.ok()) {
    r.error = ErrorCodeName(file.status().code());
    return r;
  }
  r.file.emplace(std::move(*file));
  return r;
}

std::string Thumbnail(const DicomFile& file, int side, std::vector<anon::pixel::ThumbnailBox> boxes,
                      std::string* error) {
  anon::pixel::ThumbnailOptions t;
  t.max_side = side;
  t.outline = std::move(boxes);
  auto jpeg = anon::pixel::RenderThumbnail(file, t);
  if (!jpeg.ok()) {
    *error = ErrorCodeName(jpeg.status().code());
    return "";
  }
  return Base64(*jpeg);
}

void GatherHeader(const db::RunRecords& r, const GatherOptions& opt, ReportModel& m) {
  m.run_id = r.run.id;
  m.status = r.run.status;
  m.started_at = r.run.started_at;
  m.ended_at = r.run.ended_at;
  m.tool_version = r.run.tool_version;
  m.profile_name = r.run.profile_name;
  m.profile_sha256 = r.run.profile_sha256;
  m.internal = opt.internal;
  m.key_fingerprint = opt.key_fingerprint;
  if (opt.internal) m.input_dir = r.run.input_dir, m.output_dir = r.run.output_dir;
  if (opt.profile && opt.profile->sha256 == r.run.profile_sha256) {
    m.options = ProfileOptionsInForce(*opt.profile);
    m.overrides = ProfileOverrides(*opt.profile);
  } else {
    m.profile_note = opt.profile ? "the profile file has changed since the run (SHA-256 differs): options not shown"
                                 : "the profile file is not available: options not shown";
  }
}

void GatherAccounting(const db::RunRecords& r, ReportModel& m) {
  std::set<std::string> patients, studies;
  for (const db::ObjectRow& o : r.objects) {
    if (o.state == "released") {
      ++m.released;
      patients.insert(o.patient);
      studies.insert(o.new_study_uid);
      ++m.instances_by_modality[o.modality.empty() ? "?" : o.modality];
      continue;
    }
    if (o.state == "quarantined") ++m.quarantined;
    else if (o.state == "rejected") ++m.rejected;
    else ++m.staged;
    ++m.reasons[{o.state, o.reason_code}];
    m.not_released.push_back({o.state, o.reason_code, o.stage, o.reason, m.internal ? o.source_path : ""});
  }
  m.patients = static_cast<int64_t>(patients.size());
  m.studies = static_cast<int64_t>(studies.size());
  std::stable_sort(m.not_released.begin(), m.not_released.end(), [](const auto& a, const auto& b) {
    return std::tie(a.state, a.reason_code) < std::tie(b.state, b.reason_code);
  });
}

void GatherFindings(const db::RunRecords& r, ReportModel& m, std::unordered_map<int64_t, const db::ObjectRow*>& by_id) {
  for (const db::FindingRow& f : r.findings) {
    ++m.findings[{f.stage, f.kind}];
    auto o = by_id.find(f.object_id);
    if (f.kind != "header_actions" || o == by_id.end() || o->second->state != "released") continue;
    const auto j = nlohmann::json::parse(f.detail_json, nullptr, false);
    if (!j.is_object()) continue;
    for (const auto& [k, v] : j.items())
      if (v.is_number_integer()) m.header_actions[k] += v.get<int64_t>();
  }
}

void GatherRedacted(const db::RunRecords& r, const GatherOptions& opt, int side, ReportModel& m,
                    std::unordered_map<int64_t, const db::ObjectRow*>& by_id) {
  std::map<int64_t, std::pair<std::vector<anon::pixel::ThumbnailBox>, int>> boxes;  // object -> redacted, kept
  for (const db::FindingRow& f : r.findings) {
    if (f.stage != "pixels" || (f.kind != "text_region" && f.kind != "known_region")) continue;
    auto o = by_id.find(f.object_id);
    if (o == by_id.end() || o->second->state != "released") continue;  // never a quarantined image
    bool redacted = false;
    auto box = RedactedBox(f.detail_json, &redacted);
    if (!box) continue;
    if (redacted) boxes[f.object_id].first.push_back(*box);
    else ++boxes[f.object_id].second;
  }
  for (auto& [id, b] : boxes) {
    if (b.first.empty()) continue;
    const db::ObjectRow& o = *by_id[id];
    RedactedImageView v{o.new_series_uid, o.new_sop_uid, static_cast<int>(b.first.size()), b.second, ""};
    Released file = OpenReleased(o);
    std::string error;
    if (file.file) v.thumbnail_jpeg_base64 = Thumbnail(*file.file, std::max(side, 240), b.first, &error);
    m.redacted.push_back(std::move(v));
  }
}

void GatherDeface(const db::RunRecords& r, const GatherOptions& opt, ReportModel& m,
                  std::unordered_map<int64_t, const db::ObjectRow*>& by_id, std::set<std::string>& defaced_series) {
  for (const db::FindingRow& f : r.findings) {
    if (f.stage != "deface") continue;
    auto o = by_id.find(f.object_id);
    if (o == by_id.end() || o->second->state != "released") continue;
    if (f.kind == "defaced") defaced_series.insert(o->second->new_series_uid);
    const auto j = nlohmann::json::parse(f.detail_json, nullptr, false);
    if (!j.is_object() || !j.contains("render")) continue;
    DefaceView v{o->second->new_series_uid, f.kind, "", {}};
    if (j["render"].is_string()) {
      fs::path png = j["render"].get<std::string>();
      if (png.is_relative() && !opt.work_dir.empty()) png = fs::path(opt.work_dir) / png;
      if (auto bytes = ReadBytes(png.string()); bytes && bytes->size() <= 512 * 1024) v.render_png_base64 = Base64(*bytes);
    }
    for (const auto& [k, val] : j.items())
      if (k != "render" && (val.is_number() || val.is_boolean())) v.figures.push_back({k, val.dump()});
    m.defaced.push_back(std::move(v));
  }
}

}  // namespace

ReportModel GatherReport(const db::RunRecords& r, const GatherOptions& opt) {
  ReportModel m;
  GatherHeader(r, opt, m);
  GatherAccounting(r, m);
  std::unordered_map<int64_t, const db::ObjectRow*> by_id;
  for (const db::ObjectRow& o : r.objects) by_id[o.id] = &o;
  GatherFindings(r, m, by_id);

  const int side = opt.thumbnail_side > 0 ? opt.thumbnail_side : r.series.size() <= 500 ? 160 : 96;
  std::set<std::string> defaced_series;
  GatherDeface(r, opt, m, by_id, defaced_series);
  GatherRedacted(r, opt, side, m, by_id);

  // Released objects by series; checks by series.
  std::unordered_map<int64_t, std::vector<const db::ObjectRow*>> members;
  for (const db::ObjectRow& o : r.objects)
    if (o.state == "released" && o.series_id != 0) members[o.series_id].push_back(&o);
  std::set<std::string> protocols;
  for (const db::SeriesRow& s : r.series) {
    SeriesView v;
    v.id = s.id;
    v.patient = s.patient;
    v.study_uid = s.new_study_uid;
    v.series_uid = s.new_series_uid;
    v.modality = s.modality;
    v.state = s.state;
    v.reason_code = s.reason_code;
    v.reason = s.reason;
    v.objects = s.objects;
    v.released = s.released;
    v.geometry_json = s.geometry_json;
    v.defaced = defaced_series.count(s.new_series_uid) > 0;
    for (const db::SeriesCheckRow& c : r.checks) {
      if (c.series_id != s.id && !(c.series_id == 0 && c.new_series_uid == s.new_series_uid)) continue;
      v.checks.push_back({c.check_name, c.verdict, c.value, c.threshold});
      if (VerdictRank(c.verdict) > VerdictRank(v.verdict)) v.verdict = c.verdict;
    }
    auto& objs = members[s.id];
    std::vector<std::pair<double, const db::ObjectRow*>> slices;
    for (const db::ObjectRow* o : objs) slices.push_back({SlicePosition(ObjectFacts::FromJson(o->facts_json)), o});
    std::stable_sort(slices.begin(), slices.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < slices.size(); ++i) v.slice_gaps_mm.push_back(slices[i].first - slices[i - 1].first);
    if (s.state != "quarantined" && !slices.empty()) {
      ++m.series_by_modality[s.modality.empty() ? "?" : s.modality];
      Released file = OpenReleased(*slices[slices.size() / 2].second);
      if (file.file) {
        v.acquisition = AcquisitionFacts::From(*file.file);
        protocols.insert(v.acquisition->ProtocolKey(s.modality));
        if (PixelData::Present(*file.file)) v.thumbnail_jpeg_base64 = Thumbnail(*file.file, side, {}, &v.thumbnail_error);
        else v.thumbnail_error = "no pixel data";
      } else {
        v.thumbnail_error = file.error;
      }
    }
    m.series.push_back(std::move(v));
  }
  m.protocols = static_cast<int64_t>(protocols.size());
  return m;
}

}  // namespace rwd::gateway::report
