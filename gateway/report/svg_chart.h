#pragma once
// Small inline SVG charts (no script, no external resource) for the
// report: a horizontal bar chart of counts and a line plot of slice
// spacing along z.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rwd::gateway::report {

// One bar per (label, count), in the given order. "" when `bars` is empty.
std::string BarChartSvg(const std::vector<std::pair<std::string, int64_t>>& bars, const std::string& title);

// Spacing between consecutive slices (mm) against the slice index, with
// points whose spacing differs from the median by more than 10 % in red.
// "" when fewer than 2 values.
std::string SpacingPlotSvg(const std::vector<double>& gaps_mm);

}  // namespace rwd::gateway::report
