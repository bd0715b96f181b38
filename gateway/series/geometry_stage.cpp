#include "gateway/series/geometry_stage.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace rwd::gateway {
namespace {

using Vec = std::array<double, 3>;

Vec Normal(const std::array<double, 6>& o) {
  return {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
}

// PS3.3 C.7.6.2.1.1: the patient axis the normal is closest to.
std::string Label(const std::array<double, 6>& o) {
  const Vec n = Normal(o);
  const double ax = std::fabs(n[0]), ay = std::fabs(n[1]), az = std::fabs(n[2]);
  const double m = std::max({ax, ay, az});
  if (m < 0.9) return "OBLIQUE";  // more than ~25 degrees off every axis
  if (m == az) return "AXIAL";
  return m == ax ? "SAGITTAL" : "CORONAL";
}

bool Same(const std::array<double, 6>& a, const std::array<double, 6>& b) {
  for (int i = 0; i < 6; ++i)
    if (std::fabs(a[i] - b[i]) > 1e-3) return false;
  return true;
}

}  // namespace

SeriesGeometry MeasureGeometry(const std::deque<SeriesMember>& members) {
  SeriesGeometry g;
  if (members.empty()) return g;
  const SliceFacts& first = members.front().facts;
  std::vector<double> where;
  for (const SeriesMember& m : members) {
    const SliceFacts& f = m.facts;
    g.slices += std::max(1, f.frames);
    if (f.rows != first.rows || f.columns != first.columns) g.homogeneous = false;
    if (f.pixel_spacing.has_value() != first.pixel_spacing.has_value() ||
        (f.pixel_spacing && (std::fabs((*f.pixel_spacing)[0] - (*first.pixel_spacing)[0]) > 1e-3 ||
                             std::fabs((*f.pixel_spacing)[1] - (*first.pixel_spacing)[1]) > 1e-3)))
      g.homogeneous = false;
    if (f.orientation.has_value() != first.orientation.has_value() ||
        (f.orientation && !Same(*f.orientation, *first.orientation)))
      g.homogeneous = false;
    if (f.position && f.orientation && first.orientation) {
      const Vec n = Normal(*first.orientation);
      where.push_back((*f.position)[0] * n[0] + (*f.position)[1] * n[1] + (*f.position)[2] * n[2]);
    }
  }
  if (first.orientation) g.orientation = g.homogeneous ? Label(*first.orientation) : "MIXED";
  g.positioned = static_cast<int>(where.size());
  if (where.size() >= 2) {
    std::sort(where.begin(), where.end());
    std::vector<double> d;
    for (size_t i = 1; i < where.size(); ++i) d.push_back(where[i] - where[i - 1]);
    for (double x : d)
      if (x < 0.01) ++g.duplicate_positions;
    std::vector<double> nonzero;
    for (double x : d)
      if (x >= 0.01) nonzero.push_back(x);
    if (!nonzero.empty()) {
      std::vector<double> sorted = nonzero;
      std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
      g.spacing_median = sorted[sorted.size() / 2];
      g.spacing_min = *std::min_element(nonzero.begin(), nonzero.end());
      g.spacing_max = *std::max_element(nonzero.begin(), nonzero.end());
      for (double x : nonzero)
        if (x > 1.5 * g.spacing_median) ++g.gaps;
    }
  }
  return g;
}

SeriesResult GeometryStage::Run(SeriesContext& series) {
  const SeriesGeometry g = MeasureGeometry(series.members);
  nlohmann::json j = {{"slices", g.slices},
                      {"orientation", g.orientation},
                      {"homogeneous", g.homogeneous},
                      {"positioned", g.positioned},
                      {"spacing_median_mm", g.spacing_median},
                      {"spacing_min_mm", g.spacing_min},
                      {"spacing_max_mm", g.spacing_max},
                      {"duplicate_positions", g.duplicate_positions},
                      {"gaps", g.gaps}};
  if (!series.members.empty()) {
    const SliceFacts& f = series.members.front().facts;
    j["rows"] = f.rows;
    j["columns"] = f.columns;
    if (f.pixel_spacing) j["pixel_spacing_mm"] = *f.pixel_spacing;
    if (f.slice_thickness) j["slice_thickness_mm"] = *f.slice_thickness;
    if (f.orientation) j["orientation_cosines"] = *f.orientation;
  }
  series.geometry_json = j.dump();  // the verdicts are the QC stage's (volume_stage.h)
  return SeriesResult::Continue();
}

}  // namespace rwd::gateway
