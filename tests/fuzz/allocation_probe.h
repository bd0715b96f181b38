#pragma once
// The largest single allocation by operator new since the last reset, from
// any library in the process (DCMTK allocates values with new[]): a test
// can tell that parsing a 3 KB file never asked for gigabytes. The
// replacement operators are in allocation_probe.cpp; link it into one test
// binary only.
#include <cstddef>

namespace rwd::testing {

void ResetLargestAllocation();
size_t LargestAllocation();

}  // namespace rwd::testing
