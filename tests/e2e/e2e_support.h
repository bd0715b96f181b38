#pragma once
// Running the rwdgate binary on an export, for the end-to-end tests.
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/test_support.h"

namespace rwd::testing {

struct GateRun {
  CommandResult cmd;
  nlohmann::json summary;  // parsed --json output (null when not JSON)
};

inline std::string ProfilePath(const std::string& name) { return std::string(RWD_SOURCE_DIR) + "/profiles/" + name; }

// rwdgate run --json --profile P --input IN --output OUT --workdir WORK [extra].
// By default the tests ask for clear source paths, to find their inputs in
// the database; pass extra = "" for rwdgate's own default (HMAC + sealed).
inline GateRun RunGate(const std::string& in, const std::string& out, const std::string& work,
                       const std::string& profile = ProfilePath("basic.yaml"),
                       const std::string& extra = "--record-paths clear") {
  GateRun r;
  r.cmd = RunShell(std::string(RWDGATE_BIN) + " run --json --profile " + Quote(profile) + " --input " + Quote(in) +
                   " --output " + Quote(out) + " --workdir " + Quote(work) + " " + extra);
  r.summary = nlohmann::json::parse(r.cmd.out, nullptr, false);
  if (r.summary.is_discarded()) r.summary = nullptr;
  return r;
}

}  // namespace rwd::testing
