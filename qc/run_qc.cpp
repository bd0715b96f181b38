#include "qc/run_qc.h"

#include <algorithm>
#include <functional>

#include "core/rendering.h"
#include "qc/checks.h"
#include "qc/series_cache.h"

namespace rwd::qc {
namespace {

using CheckFn = CheckResult (*)(const SeriesVolume&, const Thresholds&);

struct Entry {
  const char* name;
  CheckFn fn;
  bool needs_voxels;
};

// Same order and names as rules::QcCheckDefaults (a test checks it).
const std::vector<Entry>& Entries() {
  static const std::vector<Entry> kEntries = {
      {"homogeneity", CheckHomogeneity, false},   {"orientation", CheckOrientation, false},
      {"duplicate_slice", CheckDuplicateSlice, false}, {"slice_spacing", CheckSliceSpacing, false},
      {"missing_slice", CheckMissingSlice, false}, {"gantry_tilt", CheckGantryTilt, false},
      {"slice_gap", CheckSliceGap, false},         {"slice_count", CheckSliceCount, false},
      {"derived_3d", CheckDerived3d, false},       {"fov_truncation", CheckFovTruncation, true},
      {"z_coverage", CheckZCoverage, true},        {"motion", CheckMotion, true},
      {"hu_air", CheckHuAir, true},                {"hu_fat", CheckHuFat, true},
      {"ct_noise", CheckCtNoise, true},            {"metal", CheckMetal, true},
      {"ring", CheckRing, true},                   {"padding", CheckPadding, true},
      {"snr", CheckSnr, true},                     {"ghosting", CheckGhosting, true},
      {"inu", CheckInu, true},
      {"efc", CheckEfc, true},                     {"fber", CheckFber, true},
      {"cjv", CheckCjv, true},
  };
  return kEntries;
}

}  // namespace

std::string SeriesQc::QuarantineReason() const {
  std::string s = "QC failed:";
  for (size_t i = 0; i < quarantine_checks.size(); ++i) s += (i ? ", " : " ") + quarantine_checks[i];
  return s;
}

SeriesQc RunQc(const SeriesVolume& volume, const rules::QcConfig& config, const CohortStats* history) {
  SeriesQc out;
  const ScopedSeriesCache cache(volume);  // shared masks and regions while the checks run
  const bool voxels = !volume.voxels.empty() &&
                      volume.voxels.size() == volume.slice_size() * volume.slices.size();
  // Renderings' pixels are not tomographic values, whatever region they show.
  const bool rendering = std::any_of(volume.slices.begin(), volume.slices.end(),
                                     [](const SliceGeometry& g) { return IsRenderingImageType(g.image_type); });
  for (const Entry& e : Entries()) {
    CheckResult r;
    if (e.needs_voxels && !voxels) {
      r = NotApplicable(e.name, "no voxels");
    } else if (e.needs_voxels && rendering) {
      r = NotApplicable(e.name, "derived 3-D rendering: pixels are not modality values");
    } else {
      try {
        r = e.fn(volume, config.ThresholdsFor(e.name));
      } catch (const std::exception&) {
        r = NotApplicable(e.name, "could not be computed");  // e.g. an OpenCV error on odd sizes
      }
    }
    if (history) r = ApplyCohort(std::move(r), *history, config);
    const rules::QcAction action = config.ActionFor(e.name);
    if (action != rules::QcAction::kIgnore) {
      out.verdict = Worse(out.verdict, r.verdict);
      if (!r.flag.empty() && std::find(out.flags.begin(), out.flags.end(), r.flag) == out.flags.end())
        out.flags.push_back(r.flag);
      if (r.verdict == Verdict::kFail && action == rules::QcAction::kQuarantine) {
        out.quarantine = true;
        out.quarantine_checks.push_back(r.name);
      }
    } else {
      r.flag.clear();
    }
    out.checks.push_back(std::move(r));
  }
  return out;
}

SeriesQc RunGeometryQc(const SeriesVolume& volume, const rules::QcConfig& config) {
  SeriesVolume headers;
  headers.facts = volume.facts;
  headers.slices = volume.slices;
  headers.rows = volume.rows;
  headers.columns = volume.columns;
  return RunQc(headers, config, nullptr);
}

}  // namespace rwd::qc
