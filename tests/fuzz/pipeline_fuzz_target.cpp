// libFuzzer target over what one worker does to an untrusted file (see
// pipeline_invariants.h). Built with ASan + UBSan by scripts/fuzz.sh
// (build-fuzz/); an invariant failure aborts, so libFuzzer keeps the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/fuzz/pipeline_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string failed = rwd::fuzz::CheckPipelineInvariants({data, size});
  if (!failed.empty()) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", failed.c_str());
    std::abort();
  }
  return 0;
}
