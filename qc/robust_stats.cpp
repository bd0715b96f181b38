#include "qc/robust_stats.h"

#include <algorithm>

namespace rwd::qc {
namespace {
template <typename T>
T QuantileOf(std::vector<T>& v, double q) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}
}  // namespace

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  const size_t n = values.size();
  std::nth_element(values.begin(), values.begin() + static_cast<long>(n / 2), values.end());
  const double hi = values[n / 2];
  if (n % 2) return hi;
  return (hi + *std::max_element(values.begin(), values.begin() + static_cast<long>(n / 2))) / 2;
}
double Quantile(std::vector<double> values, double q) { return QuantileOf(values, q); }
float QuantileF(std::vector<float> values, double q) { return QuantileOf(values, q); }

}  // namespace rwd::qc
