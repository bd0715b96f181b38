// PixelData: every transfer syntax and pixel layout Debian's test data has,
// decoded to the same values as its uncompressed twin, and written back
// losslessly with a transfer syntax that matches the bytes.
#include "core/pixel_data.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/dicom_file.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;
namespace fs = std::filesystem;

namespace {

std::string Pydicom(const std::string& name) { return std::string(RWD_PYDICOM_TEST_FILES) + "/" + name; }
std::string Octave(const std::string& name) { return std::string(RWD_OCTAVE_IMDATA) + "/" + name; }

DicomFile Load(const std::string& path) {
  auto f = DicomFile::Parse(ReadBytes(path));
  REQUIRE_MESSAGE(f.ok(), path, ": ", f.status().ToString());
  return std::move(f).value();
}

PixelData DecodeOk(const DicomFile& file, const std::string& what) {
  auto p = PixelData::Decode(file);
  REQUIRE_MESSAGE(p.ok(), what, ": ", p.status().ToString());
  return std::move(p).value();
}

std::vector<uint8_t> AllFrames(const PixelData& p) {
  std::vector<uint8_t> all;
  for (int f = 0; f < p.frames(); ++f) all.insert(all.end(), p.frame(f).begin(), p.frame(f).end());
  return all;
}

// Mean absolute difference of two 8-bit buffers of the same size.
double MeanAbsDiff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  REQUIRE(a.size() == b.size());
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(int(a[i]) - int(b[i]));
  return sum / static_cast<double>(a.size());
}

// Decode -> change -> WriteTo -> Serialize -> Parse -> Decode gives back
// exactly the changed buffer.
void CheckRoundTrip(const std::string& path) {
  CAPTURE(path);
  DicomFile file = Load(path);
  PixelData p = DecodeOk(file, path);
  // Change a small box in the last frame: 0xA5 in every byte.
  const int bw = std::min(5, p.columns()), bh = std::min(3, p.rows());
  const size_t px = p.samples_per_pixel() * p.bytes_per_sample();
  auto frame = p.frame(p.frames() - 1);
  for (int y = 0; y < bh; ++y) std::memset(frame.data() + (y * p.columns()) * px, 0xA5, bw * px);
  if (p.bits_allocated() == 8 && p.bits_stored() == 1)  // 1-bit data holds 0/1 per byte
    for (int y = 0; y < bh; ++y) std::memset(frame.data() + (y * p.columns()) * px, 1, bw * px);
  const std::vector<uint8_t> expected = AllFrames(p);
  const bool was_encapsulated = file.transfer_syntax_uid().rfind("1.2.840.10008.1.2.4", 0) == 0 ||
                                file.transfer_syntax_uid() == "1.2.840.10008.1.2.5";
  const std::string before_ts = file.transfer_syntax_uid();
  REQUIRE(p.WriteTo(file).ok());
  auto bytes = file.Serialize();
  REQUIRE(bytes.ok());
  DicomFile again = Load_bytes:
  ;
}

}  // namespace
