#include "gateway/report/svg_chart.h"

#include <algorithm>
#include <cmath>

#include "gateway/report/html_text.h"

namespace rwd::gateway::report {

std::string BarChartSvg(const std::vector<std::pair<std::string, int64_t>>& bars, const std::string& title) {
  if (bars.empty()) return "";
  constexpr int kRow = 18, kLabel = 150, kBar = 220;
  int64_t top = 1;
  for (const auto& b : bars) top = std::max(top, b.second);
  const int h = kRow * static_cast<int>(bars.size()) + 22;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" + std::to_string(kLabel + kBar + 60) +
                  "\" height=\"" + std::to_string(h) + "\" role=\"img\" aria-label=\"" + Html(title) + "\">";
  s += "<text x=\"0\" y=\"13\" class=\"ct\">" + Html(title) + "</text>";
  int y = 22;
  for (const auto& [label, n] : bars) {
    const int w = std::max<int>(1, static_cast<int>(kBar * n / top));
    s += "<text x=\"" + std::to_string(kLabel - 4) + "\" y=\"" + std::to_string(y + 12) + "\" text-anchor=\"end\">" +
         Html(label.size() > 24 ? label.substr(0, 23) + "..." : label) + "</text>";
    s += "<rect x=\"" + std::to_string(kLabel) + "\" y=\"" + std::to_string(y + 2) + "\" width=\"" + std::to_string(w) +
         "\" height=\"" + std::to_string(kRow - 4) + "\" fill=\"#4a7bb7\"/>";
    s += "<text x=\"" + std::to_string(kLabel + w + 4) + "\" y=\"" + std::to_string(y + 12) + "\">" + std::to_string(n) +
         "</text>";
    y += kRow;
  }
  return s + "</svg>";
}

std::string SpacingPlotSvg(const std::vector<double>& gaps) {
  if (gaps.size() < 2) return "";
  constexpr int kW = 220, kH = 70, kPad = 4;
  std::vector<double> sorted(gaps);
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  double lo = std::min(0.0, sorted.front()), hi = std::max(sorted.back(), median * 1.5);
  if (hi - lo < 1e-6) hi = lo + 1;
  auto X = [&](size_t i) { return kPad + (kW - 2 * kPad) * static_cast<double>(i) / (gaps.size() - 1); };
  auto Y = [&](double v) { return kH - kPad - (kH - 2 * kPad) * (v - lo) / (hi - lo); };
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spacing\" width=\"" + std::to_string(kW) +
                  "\" height=\"" + std::to_string(kH) + "\" role=\"img\" aria-label=\"slice spacing along z\">";
  s += "<line x1=\"0\" x2=\"" + std::to_string(kW) + "\" y1=\"" + Num(Y(median)) + "\" y2=\"" + Num(Y(median)) +
       "\" stroke=\"#bbb\" stroke-dasharray=\"3\"/>";
  s += "<polyline fill=\"none\" stroke=\"#4a7bb7\" points=\"";
  for (size_t i = 0; i < gaps.size(); ++i) s += Num(X(i)) + "," + Num(Y(gaps[i])) + " ";
  s += "\"/>";
  for (size_t i = 0; i < gaps.size(); ++i)
    if (std::fabs(gaps[i] - median) > 0.1 * std::fabs(median) + 1e-6)
      s += "<circle cx=\"" + Num(X(i)) + "\" cy=\"" + Num(Y(gaps[i])) + "\" r=\"2.5\" fill=\"#c0392b\"/>";
  s += "<text x=\"" + std::to_string(kW - 2) + "\" y=\"10\" text-anchor=\"end\">median " + Num(median, 3) + " mm</text>";
  return s + "</svg>";
}

}  // namespace rwd::gateway::report
