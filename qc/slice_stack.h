#pragma once
// The slice stack of a series as geometry: where each slice lies along the
// slice normal. Shared by the geometry checks (dcm2niix's slice checks:
// distances along n = row x column cosines from ImageOrientationPatient,
// d_i = n . ImagePositionPatient_i, sorted; PS3.3 C.7.6.2.1.1).
#include <vector>

#include "core/series_volume.h"

namespace rwd::qc {

// Below this distance (mm) two slices are at the same position.
inline constexpr double kSamePositionMm = 0.01;

struct SliceStack {
  bool has_geometry = false;  // every slice has ImagePositionPatient and ImageOrientationPatient
  Vec3 normal{};              // of the first slice (unit)
  std::vector<double> distance;  // d_i, ascending
  std::vector<double> spacing;   // distance[i + 1] - distance[i]
  double median_spacing = 0;     // over spacings >= kSamePositionMm; 0 when none
};

SliceStack AnalyzeStack(const SeriesVolume& volume);

Vec3 Cross(const Vec3& a, const Vec3& b);
double Dot(const Vec3& a, const Vec3& b);
double Norm(const Vec3& a);

}  // namespace rwd::qc
