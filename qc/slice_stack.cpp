#include "qc/slice_stack.h"

#include <algorithm>
#include <cmath>

#include "qc/robust_stats.h"

namespace rwd::qc {

Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double Dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
double Norm(const Vec3& a) { return std::sqrt(Dot(a, a)); }

SliceStack AnalyzeStack(const SeriesVolume& volume) {
  SliceStack s;
  if (volume.slices.empty()) return s;
  s.has_geometry = std::all_of(volume.slices.begin(), volume.slices.end(), [](const SliceGeometry& g) {
    return g.position.has_value() && g.orientation.has_value();
  });
  if (!s.has_geometry) return s;
  const auto& o = *volume.slices.front().orientation;
  Vec3 n = Cross({o[0], o[1], o[2]}, {o[3], o[4], o[5]});
  const double len = Norm(n);
  if (!(len > 0)) {
    s.has_geometry = false;
    return s;
  }
  for (double& x : n) x /= len;
  s.normal = n;
  for (const SliceGeometry& g : volume.slices) s.distance.push_back(Dot(n, *g.position));
  std::sort(s.distance.begin(), s.distance.end());
  std::vector<double> real;
  for (size_t i = 1; i < s.distance.size(); ++i) {
    s.spacing.push_back(s.distance[i] - s.distance[i - 1]);
    if (s.spacing.back() >= kSamePositionMm) real.push_back(s.spacing.back());
  }
  if (!real.empty()) s.median_spacing = Median(real);
  return s;
}

}  // namespace rwd::qc
