#include "anonymizer/deface/defacer.h"

#include <chrono>
#include <cstdio>

#include "anonymizer/deface/derived_rendering.h"
#include "anonymizer/deface/face_render.h"
#include "anonymizer/deface/head_model.h"
#include "anonymizer/deface/work_grid.h"
#include "core/strings.h"

namespace rwd::deface {
namespace {

using Clock = std::chrono::steady_clock;

bool IsCt(const SeriesVolume& v) { return AsciiUpper(v.facts.modality) == "CT"; }

float FillValue(const SeriesVolume& v, const DefaceOptions& o) {
  if (o.fill) return *o.fill;
  if (!IsCt(v)) return 0.0f;
  if (v.facts.pixel_padding_value && *v.facts.pixel_padding_value < -500) return static_cast<float>(*v.facts.pixel_padding_value);
  return -1000.0f;
}

std::string Format(const char* fmt, double a, double b = 0) {
  char buf[200];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

// Fewer images than this are not a volume a face can be rendered from.
constexpr size_t kMinVolumeSlices = 10;

// The checks shared by both entry points; "" when the volume can be defaced.
std::string GeometryProblem(const SeriesVolume& v) {
  const VolumeGeometry& g = v.geometry;
  if (!g.known) return "no usable slice geometry (ImagePositionPatient/ImageOrientationPatient/PixelSpacing)";
  if (g.gaps > 0) return Format("%.0f gap(s) in the slice stack (missing slices)", g.gaps);
  if (g.instance_number_gaps > 0) return Format("%.0f InstanceNumber gap(s) (missing slices)", g.instance_number_gaps);
  if (g.duplicates > 0) return Format("%.0f duplicate slice position(s)", g.duplicates);
  if (g.max_spacing_error > 0.1) return Format("slice spacing varies by %.0f %%", 100 * g.max_spacing_error);
  if (v.voxels.size() != v.slice_size() * v.slices.size()) return "volume has no voxels";
  return "";
}

DefaceResult Finish(DefaceResult r, Clock::time_point t0) {
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

DefaceResult ApplyAndVerify(const Cut& cut, SeriesVolume& v, const WorkGrid& before, double head_threshold,
                            const DefaceOptions& o, DefaceResult r) {
  const bool ct = IsCt(v);
  ApplyResult applied = Apply(cut, v, FillValue(v, o));
  const float background = ct ? -1000.0f : 0.0f;
  const WorkGrid after = ResampleToGrid(v, o.grid_mm, background);
  r.cut = cut;
  r.gate = MeasureGate(cut, v, applied, before, after, head_threshold, ct, o.gate);
  const std::string failure = GateFailure(r.gate, o.gate);
  if (!failure.empty()) {
    Undo(applied, v);
    r.verdict = Verdict::kQuarantine;
    r.reason += "deface gate failed: " + failure;
    return r;
  }
  r.verdict = Verdict::kDefaced;
  r.reason += "face removed and verified";
  r.changed_slices = std::move(applied.changed_slices);
  if (o.render_after && cut.nasion) {
    const Vec3 c = *cut.nasion;
    const float level = static_cast<float>(head_threshold);
    r.anterior_png = DepthMapPng(RenderDepth(after, level, c, View{0, 0}, -120, 120, -80, 160, 1.5));
    r.oblique_png = DepthMapPng(RenderDepth(after, level, c, View{35, -15}, -80, 200, -80, 160, 1.5));
  }
  if (o.render_before && cut.nasion) {
    const Vec3 c = *cut.nasion;
    const float level = static_cast<float>(head_threshold);
    r.before_anterior_png = DepthMapPng(RenderDepth(before, level, c, View{0, 0}, -120, 120, -80, 160, 1.5));
    r.before_oblique_png = DepthMapPng(RenderDepth(before, level, c, View{35, -15}, -80, 200, -80, 160, 1.5));
  }
  return r;
}

}  // namespace

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kDefaced: return "defaced";
    case Verdict::kNoFace: return "no_face";
    case Verdict::kNotHead: return "not_head";
    case Verdict::kQuarantine: return "quarantine";
  }
  return "quarantine";
}

std::string FindingDetail(const DefaceResult& r) {
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, "verdict=%s seconds=%.2f", VerdictName(r.verdict), r.seconds);
  if (r.cut) {
    const Cut& c = *r.cut;
    n += std::snprintf(buf + n, sizeof buf - n,
                       " plane_normal=(%.3f,%.3f,%.3f) plane_offset_mm=%.1f plane_fallback=%d band_depth_mm=%.0f"
                       " band_guard_mm=%.0f band_margin_mm=%.0f",
                       c.plane.normal[0], c.plane.normal[1], c.plane.normal[2], c.plane.offset, c.plane_fallback ? 1 : 0,
                       c.options.band_depth_mm, c.options.band_guard_mm, c.options.band_margin_mm);
    n += std::snprintf(buf + n, sizeof buf - n,
                       " clearance_mm=%.1f residual_pct=%.1f removed_pct=%.1f brain_voxels_changed=%zu voxels_changed=%zu",
                       r.gate.clearance_mm, 100 * r.gate.residual, 100 * r.gate.removed_share,
                       r.gate.brain_voxels_changed, r.gate.voxels_changed);
  }
  return buf;
}

DefaceResult Deface(SeriesVolume& v, const DefaceOptions& o) {
  const auto t0 = Clock::now();
  DefaceResult r;
  if (std::string why = DerivedHeadRendering(v, o.study_has_head); !why.empty()) {
    r.reason = why;
    return Finish(r, t0);
  }
  // Fewer than 10 images cannot be rendered into a face, whatever their
  // geometry says (a lone slice, a localiser, a short stack without
  // ImagePositionPatient): counted before the geometry is needed.
  if (v.slices.size() < kMinVolumeSlices) {
    r.verdict = Verdict::kNotHead;
    r.reason = "not a volume (fewer than 10 slices)";
    return Finish(r, t0);
  }
  const std::string modality = AsciiUpper(v.facts.modality);
  const bool volumetric_modality = modality == "CT" || modality == "MR";
  if (std::string why = GeometryProblem(v); !why.empty()) {
    // A CT or MR series that may hold a head but cannot be checked is kept back.
    r.verdict = volumetric_modality ? Verdict::kQuarantine : Verdict::kNotHead;
    r.reason = why;
    return Finish(r, t0);
  }
  const double extent = v.geometry.slice_spacing * static_cast<double>(v.slices.size() - 1);
  if (extent < 30.0) {
    r.verdict = Verdict::kNotHead;
    r.reason = "not a volume (under 30 mm)";
    return Finish(r, t0);
  }
  const bool ct = IsCt(v);
  const WorkGrid before = ResampleToGrid(v, o.grid_mm, ct ? -1000.0f : 0.0f);
  const HeadModel head = AnalyseHead(before, ct);
  r.head_volume_ml = head.head_volume_ml;
  r.brain_volume_ml = head.brain_volume_ml;
  if (head.head_width_mm < 100 || head.head_width_mm > 230 || head.brain_volume_ml < 100) {
    r.verdict = Verdict::kNotHead;
    r.reason = Format("no head: width %.0f mm, intracranial volume %.0f ml", head.head_width_mm, head.brain_volume_ml);
    return Finish(r, t0);
  }
  if (!head.brain_problem.empty()) {
    r.verdict = Verdict::kQuarantine;
    r.reason = "brain mask implausible: " + head.brain_problem;
    return Finish(r, t0);
  }
  Cut cut = ComputeCut(head, before.shape, o.cut);
  if (!v.slices.empty()) cut.frame_of_reference_uid = v.slices[0].frame_of_reference_uid;
  if (!head.landmarks.nasion) {
    // No face landmarks: released unchanged unless the plane would still
    // take off a lot of tissue below the frontal lobes (a face we failed to
    // find: kept back).
    const GridShape& s = before.shape;
    size_t suspect = 0;
    for (int z = 0; z < s.nz; ++z)
      for (int y = 0; y < s.ny; ++y)
        for (int x = 0; x < s.nx; ++x) {
          const Vec3 p = s.Center(x, y, z);
          suspect += head.head[s.Index(x, y, z)] && cut.plane.Removes(p) && p[2] < head.landmarks.brain_front_z - 10.0;
        }
    const double ml = suspect * s.spacing * s.spacing * s.spacing / 1000.0;
    if (ml >= 20.0) {
      r.verdict = Verdict::kQuarantine;
      r.reason = Format("face landmarks not found but %.0f ml of tissue lies in front of and below the brain", ml);
    } else {
      r.verdict = Verdict::kNoFace;
      r.reason = "head without a face in the field of view";
    }
    return Finish(r, t0);
  }
  if (cut.plane_fallback) r.reason = "fallback plane; ";
  return Finish(ApplyAndVerify(cut, v, before, head.head_threshold, o, r), t0);
}

DefaceResult DefaceWithCut(const Cut& cut, SeriesVolume& v, const DefaceOptions& o) {
  const auto t0 = Clock::now();
  DefaceResult r;
  if (std::string why = DerivedHeadRendering(v, o.study_has_head); !why.empty()) {
    r.reason = why;
    return Finish(r, t0);
  }
  if (v.slices.empty() || v.slices[0].frame_of_reference_uid.empty() ||
      v.slices[0].frame_of_reference_uid != cut.frame_of_reference_uid) {
    r.reason = "cut belongs to another frame of reference (0020,0052)";
    return Finish(r, t0);
  }
  if (std::string why = GeometryProblem(v); !why.empty()) {
    r.reason = why;
    return Finish(r, t0);
  }
  if (!cut.nasion) {
    r.reason = "cut has no face landmarks to verify against";
    return Finish(r, t0);
  }
  const bool ct = IsCt(v);
  const WorkGrid before = ResampleToGrid(v, o.grid_mm, ct ? -1000.0f : 0.0f);
  return Finish(ApplyAndVerify(cut, v, before, HeadThreshold(before, ct), o, r), t0);
}

}  // namespace rwd::deface
