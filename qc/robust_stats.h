#pragma once
// Order statistics used by the checks (copies its argument; empty -> 0).
#include <vector>

namespace rwd::qc {

double Median(std::vector<double> values);
// q in [0, 1], nearest rank.
double Quantile(std::vector<double> values, double q);
float QuantileF(std::vector<float> values, double q);

}  // namespace rwd::qc
