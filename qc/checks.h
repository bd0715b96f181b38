#pragma once
// Every QC check: a pure function of a series and the thresholds in force
// for it (rules::QcConfig::ThresholdsFor(name)). One check per file; each
// file's opening comment gives the definition and its source. The names are
// those of rules::QcCheckDefaults.
//
// Geometry checks read only volume.slices and volume.facts: they work on a
// volume without voxels. Pixel checks return na when voxels is empty or
// when the modality does not apply.
#include "core/series_volume.h"
#include "qc/check_result.h"
#include "rules/qc_config.h"

namespace rwd::qc {

using Thresholds = rules::QcThresholds;

// Geometry (headers).
CheckResult CheckHomogeneity(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckOrientation(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckDuplicateSlice(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckSliceSpacing(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckMissingSlice(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckGantryTilt(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckSliceGap(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckSliceCount(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckDerived3d(const SeriesVolume& v, const Thresholds& t);

// Coverage and motion (pixels, all modalities).
CheckResult CheckFovTruncation(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckZCoverage(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckMotion(const SeriesVolume& v, const Thresholds& t);

// CT.
CheckResult CheckHuAir(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckHuFat(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckCtNoise(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckMetal(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckRing(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckPadding(const SeriesVolume& v, const Thresholds& t);

// MR.
CheckResult CheckSnr(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckGhosting(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckInu(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckEfc(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckFber(const SeriesVolume& v, const Thresholds& t);
CheckResult CheckCjv(const SeriesVolume& v, const Thresholds& t);

}  // namespace rwd::qc
