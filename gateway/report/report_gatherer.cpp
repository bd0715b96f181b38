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
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const std::streamoff size = in.tellg();
  if (size < 0) return std::nullopt;
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) return std::nullopt;
  return bytes;
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
Released OpenReleased(const std::string& path) {
  Released r;
  auto bytes = ReadBytes(path);
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

void GatherHeader(const db::RunRow& run, const GatherOptions& opt, ReportModel& m) {
  m.run_id = run.id;
  m.status = run.status;
  m.started_at = run.started_at;
  m.ended_at = run.ended_at;
  m.tool_version = run.tool_version;
  m.profile_name = run.profile_name;
  m.profile_sha256 = run.profile_sha256;
  m.internal = opt.internal;
  m.key_fingerprint = opt.key_fingerprint;
  if (opt.internal) m.input_dir = run.input_dir, m.output_dir = run.output_dir;
  if (opt.profile && opt.profile->sha256 == run.profile_sha256) {
    m.options = ProfileOptionsInForce(*opt.profile);
    m.overrides = ProfileOverrides(*opt.profile);
  } else {
    m.profile_note = opt.profile ? "the profile file has changed since the run (SHA-256 differs): options not shown"
                                 : "the profile file is not available: options not shown";
  }
}

Status GatherAccounting(const db::RunSource& r, ReportModel& m) {
  std::set<std::string> patients, studies;
  Status s = r.ForEachObject([&](const db::ObjectRow& o) {
    if (o.state == "released") {
      ++m.released;
      patients.insert(o.patient);
      studies.insert(o.new_study_uid);
      ++m.instances_by_modality[o.modality.empty() ? "?" : o.modality];
      return;
    }
    if (o.state == "quarantined") ++m.quarantined;
    else if (o.state == "rejected") ++m.rejected;
    else ++m.staged;
    ++m.reasons[{o.state, o.reason_code}];
    m.not_released.push_back({o.state, o.reason_code, o.stage, o.reason, m.internal ? o.source_path : ""});
  });
  m.patients = static_cast<int64_t>(patients.size());
  m.studies = static_cast<int64_t>(studies.size());
  std::stable_sort(m.not_released.begin(), m.not_released.end(), [](const auto& a, const auto& b) {
    return std::tie(a.state, a.reason_code) < std::tie(b.state, b.reason_code);
  });
  return s;
}

// One pass over the findings: counts, header actions, deface views,
// redacted boxes (of released objects only: never a quarantined image).
Status GatherFindings(const db::RunSource& r, ReportModel& m, std::set<std::string>& defaced_series) {
  std::map<int64_t, RedactedImageView> redacted;  // by object id
  Status s = r.ForEachFinding([&](const db::FindingRow& f, const db::FindingObject& o) {
    ++m.findings[{f.stage, f.kind}];
    if (o.state != "released") return;
    if (f.kind == "header_actions") {
      const auto j = nlohmann::json::parse(f.detail_json, nullptr, false);
      if (!j.is_object()) return;
      for (const auto& [k, v] : j.items())
        if (v.is_number_integer()) m.header_actions[k] += v.get<int64_t>();
    } else if (f.stage == "deface") {
      if (f.kind == "defaced") defaced_series.insert(o.new_series_uid);
      const auto j = nlohmann::json::parse(f.detail_json, nullptr, false);
      if (!j.is_object() || !j.contains("render")) return;
      DefaceView v{o.new_series_uid, f.kind, j["render"].is_string() ? j["render"].get<std::string>() : "", "", {}};
      for (const auto& [k, val] : j.items())
        if (k != "render" && (val.is_number() || val.is_boolean())) v.figures.push_back({k, val.dump()});
      m.defaced.push_back(std::move(v));
    } else if (f.stage == "pixels" && (f.kind == "text_region" || f.kind == "known_region")) {
      bool was_redacted = false;
      auto box = RedactedBox(f.detail_json, &was_redacted);
      if (!box) return;
      RedactedImageView& v = redacted[f.object_id];
      v.series_uid = o.new_series_uid, v.sop_uid = o.new_sop_uid, v.source = o.output_path;
      if (!was_redacted) {
        ++v.boxes_kept;
        return;
      }
      ++v.boxes_redacted;
      v.boxes.push_back({box->x, box->y, box->width, box->height});
    }
  });
  for (auto& [id, v] : redacted)
    if (v.boxes_redacted > 0) m.redacted.push_back(std::move(v));
  return s;
}

}  // namespace

std::string ReleasedImages::SeriesThumbnail(const SeriesView& v, std::string* error) const {
  Released file = OpenReleased(v.thumbnail_source);
  if (!file.file) {
    *error = file.error;
    return "";
  }
  if (!PixelData::Present(*file.file)) {
    *error = "no pixel data";
    return "";
  }
  return Thumbnail(*file.file, side_, {}, error);
}

std::string ReleasedImages::RedactedThumbnail(const RedactedImageView& v) const {
  Released file = OpenReleased(v.source);
  if (!file.file) return "";
  std::vector<anon::pixel::ThumbnailBox> boxes;
  for (const auto& b : v.boxes) boxes.push_back({b[0], b[1], b[2], b[3]});
  std::string error;
  return Thumbnail(*file.file, std::max(side_, 240), std::move(boxes), &error);
}

std::string ReleasedImages::DefaceRender(const DefaceView& d) const {
  fs::path png = d.render_path;
  if (png.is_relative() && !work_dir_.empty()) png = fs::path(work_dir_) / png;
  std::error_code ec;
  if (fs::file_size(png, ec) > 512 * 1024 || ec) return "";
  auto bytes = ReadBytes(png.string());
  return bytes ? Base64(*bytes) : "";
}

Result<ReportModel> GatherReport(const db::RunSource& r, const GatherOptions& opt) {
  ReportModel m;
  GatherHeader(r.Run(), opt, m);
  if (Status s = GatherAccounting(r, m); !s.ok()) return s;
  std::set<std::string> defaced_series;
  if (Status s = GatherFindings(r, m, defaced_series); !s.ok()) return s;

  // Checks by series id, or by UID when the check has no series id.
  using Numbered = std::pair<size_t, db::CheckRecord>;  // in the order recorded
  std::map<int64_t, std::vector<Numbered>> checks_by_id;
  std::map<std::string, std::vector<Numbered>> checks_by_uid;
  size_t n = 0;
  Status s = r.ForEachCheck([&](const db::CheckRecord& c) {
    if (c.series_id != 0) checks_by_id[c.series_id].push_back({n++, c});
    else checks_by_uid[c.new_series_uid].push_back({n++, c});
  });
  if (!s.ok()) return s;
  std::vector<db::SeriesRow> series;
  if (s = r.ForEachSeries([&](const db::SeriesRow& x) { series.push_back(x); }); !s.ok()) return s;
  m.thumbnail_side = opt.thumbnail_side > 0 ? opt.thumbnail_side : series.size() <= 500 ? 160 : 96;

  std::set<std::string> protocols;
  for (const db::SeriesRow& x : series) {
    SeriesView v;
    v.id = x.id;
    v.patient = x.patient;
    v.study_uid = x.new_study_uid;
    v.series_uid = x.new_series_uid;
    v.modality = x.modality;
    v.state = x.state;
    v.reason_code = x.reason_code;
    v.reason = x.reason;
    v.objects = x.objects;
    v.released = x.released;
    v.geometry_json = x.geometry_json;
    v.defaced = defaced_series.count(x.new_series_uid) > 0;
    // In the order recorded, whichever way the check names its series.
    std::vector<Numbered> mine = std::move(checks_by_id[x.id]);
    for (const auto& c : checks_by_uid[x.new_series_uid]) mine.push_back(c);
    std::sort(mine.begin(), mine.end(), [](const Numbered& a, const Numbered& b) { return a.first < b.first; });
    for (const auto& [order, c] : mine) {
      v.checks.push_back({c.check_name, c.verdict, c.value, c.threshold});
      if (VerdictRank(c.verdict) > VerdictRank(v.verdict)) v.verdict = c.verdict;
    }
    std::vector<std::pair<double, std::string>> slices;  // position, released file
    s = r.ForEachReleasedMember(x.id, [&](const db::ObjectRow& o) {
      slices.push_back({SlicePosition(ObjectFacts::FromJson(o.facts_json)), o.output_path});
    });
    if (!s.ok()) return s;
    std::stable_sort(slices.begin(), slices.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < slices.size(); ++i) v.slice_gaps_mm.push_back(slices[i].first - slices[i - 1].first);
    if (x.state != "quarantined" && !slices.empty()) {
      ++m.series_by_modality[x.modality.empty() ? "?" : x.modality];
      const std::string& middle = slices[slices.size() / 2].second;
      Released file = OpenReleased(middle);
      if (file.file) {
        v.acquisition = AcquisitionFacts::From(*file.file);
        protocols.insert(v.acquisition->ProtocolKey(x.modality));
        v.thumbnail_source = middle;
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
