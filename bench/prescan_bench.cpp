// What the parse hardening costs: core/nesting_scan's pre-scan alone, and
// DicomFile::Parse (header-only fast path, which includes the pre-scan and
// the Pixel Data checks), over Debian's real test files and a synthetic
// object with 100,000 elements. Prints microseconds per file. Not a test.
//
//   build/bench/prescan_bench [REPS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/dicom_file.h"
#include "core/nesting_scan.h"
#include "tests/support/dicom_bytes.h"
#include "tests/support/test_support.h"

int main(int argc, char** argv) {
  using namespace rwd;
  using namespace rwd::testing;
  const int reps = argc > 1 ? std::atoi(argv[1]) : 200;
  std::vector<std::pair<std::string, Bytes>> files;
  const std::string dir = "/usr/lib/python3/dist-packages/pydicom/data/test_files/";
  for (const char* n : {"CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "test-SR.dcm", "JPEG2000.dcm"})
    files.emplace_back(n, ReadBytes(dir + n));
  files.emplace_back("CT-MONO2-16-ankle.dcm", ReadBytes("/usr/share/octave/packages/dicom-0.5.1/imdata/CT-MONO2-16-ankle.dcm"));
  SyntheticIds id;
  Bytes many = Part10Header(id.sop_class, id.sop_instance);
  Append(many, IdentifyingElements(id));
  for (int i = 0; i < 100000; ++i) {
    Bytes el = ElementHeader(static_cast<uint16_t>(0x0011 + 2 * (i / 50000)), static_cast<uint16_t>(0x1000 + i % 50000), "UL", 4);
    Put32(el, static_cast<uint32_t>(i));
    Append(many, el);
  }
  files.emplace_back("synthetic-100000-elements", many);
  std::printf("%-28s %10s %12s %12s %8s\n", "file", "bytes", "scan_us", "parse_us", "scan_%");
  for (const auto& [name, bytes] : files) {
    const int n = name.rfind("synthetic", 0) == 0 ? std::max(1, reps / 20) : reps;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i)
      if (!CheckNestingDepth(bytes).ok()) return 1;
    auto t1 = std::chrono::steady_clock::now();
    ParseOptions o;
    o.defer_pixel_data = true;
    for (int i = 0; i < n; ++i)
      if (!DicomFile::Parse(bytes, o).ok()) return 1;
    auto t2 = std::chrono::steady_clock::now();
    const double scan = std::chrono::duration<double, std::micro>(t1 - t0).count() / n;
    const double parse = std::chrono::duration<double, std::micro>(t2 - t1).count() / n;
    std::printf("%-28s %10zu %12.1f %12.1f %7.1f%%\n", name.c_str(), bytes.size(), scan, parse, 100.0 * scan / parse);
  }
  return 0;
}
