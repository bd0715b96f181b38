// Replays every input the fuzzer found (tests/fuzz/regressions/) through the
// same code as the fuzz target, in the normal suite and under ASan/UBSan
// (scripts/test.sh --asan): a fixed defect that comes back fails here, not
// only in a fuzz run.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/dicom_file.h"
#include "tests/fuzz/allocation_probe.h"
#include "tests/fuzz/pipeline_invariants.h"
#include "tests/support/test_support.h"

namespace rwd {
namespace {
namespace fs = std::filesystem;

std::vector<fs::path> Inputs(const char* folder) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(RWD_SOURCE_DIR) / "tests/fuzz" / folder))
    if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST_CASE("every fuzzer finding in tests/fuzz/regressions keeps its invariants") {
  const std::vector<fs::path> files = Inputs("regressions");
  REQUIRE(files.size() >= 28);  // the 19 of the first run and the 9 fixed later: none may go missing
  for (const fs::path& f : files) {
    CAPTURE(f.filename().string());
    const std::vector<uint8_t> bytes = testing::ReadBytes(f.string());
    CHECK(fuzz::CheckPipelineInvariants(bytes) == "");
  }
}

TEST_CASE("no fuzzer finding makes the parser allocate more than the file could hold") {
  // DCMTK allocates a value's claimed length (up to 4 GiB) before reading it
  // unless its stream can defer the value (core/memory_input_stream.h); the
  // fuzzer's allocation limit sees that as out-of-memory, and so does this.
  int oom = 0;
  for (const fs::path& f : Inputs("regressions")) {
    oom += f.filename().string().rfind("oom-", 0) == 0;
    CAPTURE(f.filename().string());
    const std::vector<uint8_t> bytes = testing::ReadBytes(f.string());
    for (bool defer : {false, true}) {
      ParseOptions o;
      o.defer_pixel_data = defer;
      testing::ResetLargestAllocation();
      auto parsed = DicomFile::Parse(bytes, o);
      CHECK(testing::LargestAllocation() <= 2 * bytes.size() + (1u << 20));
    }
    testing::ResetLargestAllocation();
    CHECK(fuzz::CheckPipelineInvariants(bytes) == "");
    CHECK(testing::LargestAllocation() <= 64u << 20);
  }
  CHECK(oom >= 6);  // the three of the first run and the three fixed later
}

}  // namespace
}  // namespace rwd
