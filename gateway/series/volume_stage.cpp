#include "gateway/series/volume_stage.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "anonymizer/deface/deface_bookkeeping.h"
#include "anonymizer/deface/defacer.h"
#include "core/crypto.h"
#include "core/series_volume_builder.h"
#include "gateway/series/original_pixels.h"
#include "gateway/private_file.h"
#include "gateway/staging_area.h"
#include "qc/run_qc.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

std::optional<deface::Cut> CutCache::Find(const std::string& frame_of_reference) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cuts_.find(frame_of_reference);
  if (it == cuts_.end()) return std::nullopt;
  return it->second;
}

void CutCache::Put(const std::string& frame_of_reference, const deface::Cut& cut) {
  std::lock_guard<std::mutex> lock(mu_);
  cuts_.emplace(frame_of_reference, cut);
}

namespace {

bool ReadFile(const std::string& path, std::vector<uint8_t>& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  uint8_t buf[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  ::close(fd);
  return n == 0;
}

// Rewrites a staged file in place (the staging area is not visible to
// anyone; the row is still 'staged' until the series is decided).
Result<db::RewrittenObject> Rewrite(int64_t id, const std::string& path, DicomFile& file) {
  auto parts = file.SerializeParts();
  if (!parts.ok()) return parts.status();
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot rewrite a staged file");
  const bool ok = WriteAll(fd, parts->head, parts->tail);
  if (::close(fd) != 0 || !ok) return Status::Error(ErrorCode::kIoError, "cannot rewrite a staged file");
  Sha256 sha;
  sha.Update(parts->head);
  sha.Update(parts->tail);
  return db::RewrittenObject{id, ToHex(sha.Finish()), static_cast<int64_t>(parts->size())};
}

// How a check was graded, as qc.json says it: "absolute", or "cohort z,
// n=25" when the robust z against 25 earlier series of the group decided.
std::string Basis(const qc::CheckResult& c) {
  if (c.basis == "cohort") return "cohort z, n=" + std::to_string(c.cohort_n);
  return "absolute";
}

void Record(SeriesContext& series, const qc::SeriesQc& q, bool pixels, int redacted, const std::string& group,
            bool originals) {
  nlohmann::json basis = nlohmann::json::object();
  for (const qc::CheckResult& c : q.checks) {
    series.checks.push_back({c.name, c.value, c.threshold, qc::VerdictName(c.verdict)});
    if (c.verdict == qc::Verdict::kNa) continue;
    nlohmann::json b = {{"basis", Basis(c)}};
    if (c.z) b["z"] = *c.z;
    if (c.cohort_n > 0) b["cohort_n"] = c.cohort_n;
    basis[c.name] = std::move(b);
  }
  nlohmann::json j = {{"verdict", qc::VerdictName(q.verdict)}, {"flags", q.flags}, {"pixels_checked", pixels},
                      {"basis", std::move(basis)}};
  if (!group.empty()) j["group"] = group;  // an HMAC: the cohort key of later runs
  if (redacted > 0) j["burned_in_boxes_filled"] = redacted;
  if (pixels && originals) j["original_pixels_reloaded"] = true;
  series.qc_json = j.dump();
}

// The series' QC group: the one its objects share, else "" (no cohort).
std::string GroupOf(const SeriesContext& series) {
  if (series.members.empty()) return "";
  const std::string_view g = series.members.front().facts.qc_group;
  for (const SeriesMember& m : series.members)
    if (m.facts.qc_group != g) return "";
  return std::string(g);
}

}  // namespace

SeriesVolume GeometryFromFacts(const SeriesContext& series) {
  SeriesVolume v;
  v.facts.modality = series.modality;
  for (size_t i = 0; i < series.members.size(); ++i) {
    const SliceFacts& f = series.members[i].facts;
    for (int frame = 0; frame < std::max(1, f.frames); ++frame) {
      SliceGeometry g;
      g.object_index = i;
      g.frame = frame;
      g.instance_number = f.instance_number;
      g.position = f.position;
      g.orientation = f.orientation;
      g.pixel_spacing = f.pixel_spacing;
      g.slice_thickness = f.slice_thickness;
      g.gantry_tilt = f.gantry_tilt;
      g.rows = f.rows;
      g.columns = f.columns;
      g.frame_of_reference_uid = std::string(f.frame_of_reference);
      g.image_type = std::string(f.image_type);
      v.slices.push_back(std::move(g));
      if (f.frames > 1) break;  // per-frame geometry of enhanced objects is in the pixels path only
    }
  }
  if (!series.members.empty()) {
    v.rows = series.members.front().facts.rows;
    v.columns = series.members.front().facts.columns;
  }
  // Volume order: along the slice normal when every slice is positioned.
  bool positioned = !v.slices.empty();
  for (const auto& s : v.slices) positioned = positioned && s.position && s.orientation;
  if (positioned) {
    const auto& o = *v.slices.front().orientation;
    const Vec3 n = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
    auto along = [&](const SliceGeometry& s) { return (*s.position)[0] * n[0] + (*s.position)[1] * n[1] + (*s.position)[2] * n[2]; };
    std::stable_sort(v.slices.begin(), v.slices.end(), [&](const auto& a, const auto& b) { return along(a) < along(b); });
  } else {
    std::stable_sort(v.slices.begin(), v.slices.end(), [](const auto& a, const auto& b) {
      return a.instance_number.value_or(0) < b.instance_number.value_or(0);
    });
  }
  return v;
}

SeriesResult VolumeStage::Run(SeriesContext& series) {
  const bool ct_mr = series.modality == "CT" || series.modality == "MR";
  const bool deface = profile_.options.clean_recognizable_visual_features && ct_mr;
  const std::string group = GroupOf(series);
  int redacted = 0;
  size_t voxels = 0;
  for (const SeriesMember& m : series.members) {
    redacted += m.facts.pixel_regions_redacted;
    voxels += static_cast<size_t>(m.facts.rows) * m.facts.columns * std::max(1, m.facts.frames);
  }
  const bool decode = ct_mr && (profile_.qc.configured || deface) && voxels > 0;
  if (!decode || voxels > kMaxVoxels) {
    const SeriesVolume geometry = GeometryFromFacts(series);
    const qc::SeriesQc q = qc::RunGeometryQc(geometry, profile_.qc);
    Record(series, q, false, redacted, group, false);
    if (q.quarantine) return SeriesResult::Quarantine(ErrorCode::kUnsafe, q.QuarantineReason());
    if (deface && voxels > kMaxVoxels)
      return SeriesResult::Quarantine(ErrorCode::kUnsafe, "defacing: series too large to decode and check for a face");
    return SeriesResult::Continue();
  }

  // The staged (de-identified) objects, parsed whole.
  std::vector<DicomFile> files;
  std::vector<std::string> paths;
  std::vector<uint8_t> bytes;
  for (const SeriesMember& m : series.members) {
    auto staged = store_.StagedById(m.object_id);
    if (!staged.ok()) return SeriesResult::Quarantine(ErrorCode::kInternal, "a staged object cannot be read back");
    if (!ReadFile(staged->staging_path, bytes))
      return SeriesResult::Quarantine(ErrorCode::kIoError, "a staged file cannot be read back");
    auto parsed = DicomFile::Parse(bytes);
    if (!parsed.ok()) return SeriesResult::Quarantine(parsed.status().code(), "a staged file does not parse back");
    files.push_back(std::move(parsed).value());
    paths.push_back(staged->staging_path);
  }
  // Objects without pixels (a header-only MR, e.g. spectroscopy or a
  // localiser's header): nothing to render, so no face to remove. QC sees
  // their geometry; defacing has nothing to do and says so in a finding.
  const bool any_pixels = std::any_of(files.begin(), files.end(), [](DicomFile& f) {
    DicomItem ds = f.dataset();
    return ds.Has({0x7FE0, 0x0010}) || ds.Has({0x7FE0, 0x0008}) || ds.Has({0x7FE0, 0x0009});
  });
  if (!any_pixels) {
    const qc::SeriesQc q = qc::RunGeometryQc(GeometryFromFacts(series), profile_.qc);
    Record(series, q, false, redacted, group, false);
    if (q.quarantine) return SeriesResult::Quarantine(ErrorCode::kUnsafe, q.QuarantineReason());
    if (deface)
      for (size_t i = 0; i < series.members.size(); ++i)
        series.AddFinding(i, {"deface", "no_pixel_data", "{\"reason\":\"no Pixel Data: nothing to deface\"}"});
    return SeriesResult::Continue();
  }
  std::vector<DicomFile*> ptrs;
  for (auto& f : files) ptrs.push_back(&f);
  auto volume = BuildSeriesVolume(ptrs);
  if (!volume.ok()) {
    // Not a volume (e.g. mixed sizes, colour): geometry checks only.
    const qc::SeriesQc q = qc::RunGeometryQc(GeometryFromFacts(series), profile_.qc);
    Record(series, q, false, redacted, group, false);
    if (q.quarantine) return SeriesResult::Quarantine(ErrorCode::kUnsafe, q.QuarantineReason());
    if (deface)
      return SeriesResult::Quarantine(volume.status().code(),
                                      "defacing: the series cannot be built into a volume to check for a face (" +
                                          volume.status().message() + ")");
    return SeriesResult::Continue();
  }
  qc::CohortStats scratch;
  const qc::CohortStats* cohort = history_ ? history_->For(group, series.key.series_uid, scratch) : nullptr;
  // QC on the original pixels: the slices of objects the pixel stage changed
  // are swapped for their originals' while QC runs.
  std::vector<size_t> changed;
  for (size_t i = 0; i < series.members.size(); ++i)
    if (series.members[i].facts.pixels_changed) changed.push_back(i);
  OriginalPixels originals;
  Status swapped = originals.SwapIn(*volume, changed, [&](size_t i) -> Result<DicomFile> {
    auto staged = store_.StagedById(series.members[i].object_id);
    if (!staged.ok()) return staged.status();
    auto bytes = ReadOriginal(*staged, originals_);
    if (!bytes.ok()) return bytes.status();
    return DicomFile::Parse(*bytes);
  });
  const qc::SeriesQc q = qc::RunQc(*volume, profile_.qc, cohort);
  originals.Restore(*volume);
  Record(series, q, true, redacted, group, !changed.empty() && swapped.ok());
  if (!changed.empty() && !swapped.ok()) {
    // QC saw the staged (redacted) pixels: said in series.qc, never silent.
    nlohmann::json j = nlohmann::json::parse(series.qc_json);
    j["original_pixels_reloaded"] = false;
    j["original_pixels_error"] = ErrorCodeName(swapped.code());
    series.qc_json = j.dump();
  }
  if (q.quarantine) return SeriesResult::Quarantine(ErrorCode::kUnsafe, q.QuarantineReason());
  if (!deface) return SeriesResult::Continue();
  return Deface(series, *volume, files, paths);
}

SeriesResult VolumeStage::Deface(SeriesContext& series, SeriesVolume& volume, std::vector<DicomFile>& files,
                                 std::vector<std::string>& paths) {
  deface::DefaceOptions options;
  const std::string frame_of_reference = volume.slices.empty() ? "" : volume.slices.front().frame_of_reference_uid;
  std::optional<deface::Cut> shared = frame_of_reference.empty() ? std::nullopt : cuts_.Find(frame_of_reference);
  deface::DefaceResult r = shared ? deface::DefaceWithCut(*shared, volume, options) : deface::Deface(volume, options);
  nlohmann::json j = {{"verdict", deface::VerdictName(r.verdict)}, {"detail", deface::FindingDetail(r)},
                      {"shared_cut", shared.has_value()}, {"seconds", r.seconds}};
  if (r.verdict == deface::Verdict::kDefaced) {
    j["clearance_mm"] = r.gate.clearance_mm;
    j["residual"] = r.gate.residual;
    j["removed_share"] = r.gate.removed_share;
    j["brain_voxels_changed"] = r.gate.brain_voxels_changed;
  }
  if (r.verdict == deface::Verdict::kQuarantine) {
    series.deface_json = j.dump();
    return SeriesResult::Quarantine(ErrorCode::kUnsafe, "defacing: " + r.reason);
  }
  if (r.verdict != deface::Verdict::kDefaced) {
    series.deface_json = j.dump();
    return SeriesResult::Continue();
  }
  std::vector<DicomFile*> ptrs;
  for (auto& f : files) ptrs.push_back(&f);
  Status written = WriteBackSlices(volume, r.changed_slices, ptrs);
  if (!written.ok()) return SeriesResult::Quarantine(written.code(), "defacing: the defaced pixels cannot be written");
  for (size_t i = 0; i < files.size(); ++i) {
    Status marked = deface::MarkDefaced(files[i]);
    if (!marked.ok()) return SeriesResult::Quarantine(marked.code(), "defacing: cannot mark the object defaced");
    auto rewritten = Rewrite(series.members[i].object_id, paths[i], files[i]);
    if (!rewritten.ok()) return SeriesResult::Quarantine(rewritten.status().code(), "defacing: " + rewritten.status().message());
    series.Rewritten(i, *rewritten);
  }
  if (!shared && r.cut && !frame_of_reference.empty()) cuts_.Put(frame_of_reference, *r.cut);
  // After-renderings only (the face is gone), for the report.
  const bool dir_made = MakePrivateDirs(reports_dir_).ok();
  for (const auto& [suffix, png] : {std::pair{"anterior", &r.anterior_png}, std::pair{"oblique", &r.oblique_png}}) {
    if (png->empty() || !dir_made) continue;
    const std::string file = reports_dir_ + "/deface-" + series.key.series_uid + "-" + suffix + ".png";
    const std::string_view bytes(reinterpret_cast<const char*>(png->data()), png->size());
    if (WritePrivateFile(file, bytes).ok()) j[std::string(suffix) + "_png"] = file;  // the report shows no render otherwise
  }
  series.deface_json = j.dump();
  // Findings the report reads: every released object is defaced; the first
  // carries the figures and the after-rendering.
  nlohmann::json figures = {{"clearance_mm", r.gate.clearance_mm}, {"residual", r.gate.residual},
                            {"removed_share", r.gate.removed_share}, {"brain_voxels_changed", r.gate.brain_voxels_changed},
                            {"seconds", r.seconds}, {"shared_cut", shared.has_value()}};
  if (j.contains("anterior_png")) figures["render"] = j["anterior_png"];
  for (size_t i = 0; i < series.members.size(); ++i)
    series.AddFinding(i, {"deface", i == 0 ? "deface_gate" : "defaced", i == 0 ? figures.dump() : "{}"});
  if (!series.members.empty()) series.AddFinding(0, {"deface", "defaced", "{}"});
  return SeriesResult::Continue();
}

}  // namespace rwd::gateway
