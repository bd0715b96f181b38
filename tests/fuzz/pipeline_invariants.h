#pragma once
// What one worker does to an untrusted file, with the invariants a user
// relies on checked: shared by the libFuzzer target (pipeline_fuzz_target)
// and the regression replay test of the normal suite (fuzz_regressions_test),
// so an input the fuzzer found is replayed by exactly the same code.
#include <cstdint>
#include <span>
#include <string>

namespace rwd::fuzz {

// Parses (header-only fast path and full parse), identifies (DICOMDIR check,
// required UIDs, filter), de-identifies the header under every shipped
// profile and serialises. Invariants:
//  - every stage reason is valid UTF-8 (reasons go to the database);
//  - an object the pipeline would release parses again, whole, with our
//    own parser (a recipient must be able to read what we send).
// Returns "" when they hold, else which one failed and under which profile
// (tags and codes, never values). An exception escaping a stage is not a
// failure: the pipeline quarantines such an object.
std::string CheckPipelineInvariants(std::span<const uint8_t> data);

}  // namespace rwd::fuzz
