#include "tests/support/nifti_volume.h"

#include <zlib.h>

#include <cstring>
#include <stdexcept>

namespace rwd::testing {
namespace {

std::vector<unsigned char> ReadAll(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files too
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<unsigned char> out;
  unsigned char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  gzclose(f);
  if (n < 0) throw std::runtime_error("cannot decompress " + path);
  return out;
}

template <typename T>
T At(const std::vector<unsigned char>& b, size_t off) {
  T v;
  std::memcpy(&v, b.data() + off, sizeof v);
  return v;
}

}  // namespace

NiftiVolume ReadNifti(const std::string& path) {
  const auto b = ReadAll(path);
  if (b.size() < 352 || At<int32_t>(b, 0) != 348) throw std::runtime_error("not a little-endian NIfTI-1 file: " + path);
  NiftiVolume v;
  v.nx = At<int16_t>(b, 42);
  v.ny = At<int16_t>(b, 44);
  v.nz = At<int16_t>(b, 46);
  const int16_t datatype = At<int16_t>(b, 70);
  for (int i = 0; i < 3; ++i) v.spacing[i] = At<float>(b, 80 + 4 * i);
  const float slope = At<float>(b, 112), inter = At<float>(b, 116);
  const size_t offset = static_cast<size_t>(At<float>(b, 108));
  if (At<int16_t>(b, 254) > 0) {
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 4; ++c) v.ras[r][c] = At<float>(b, 280 + 16 * r + 4 * c);
  } else {
    for (int r = 0; r < 3; ++r) v.ras[r][r] = v.spacing[r];
  }
  const size_t n = static_cast<size_t>(v.nx) * v.ny * v.nz;
  const size_t bytes = datatype == 2 ? 1 : datatype == 4 ? 2 : datatype == 16 ? 4 : 0;
  if (bytes == 0) throw std::runtime_error("unsupported NIfTI datatype in " + path);
  if (b.size() < offset + n * bytes) throw std::runtime_error("truncated NIfTI file: " + path);
  v.voxels.resize(n);
  const bool scaled = slope != 0.0f && !(slope == 1.0f && inter == 0.0f);
  for (size_t i = 0; i < n; ++i) {
    float x = datatype == 2 ? b[offset + i]
              : datatype == 4 ? At<int16_t>(b, offset + 2 * i)
                              : At<float>(b, offset + 4 * i);
    v.voxels[i] = scaled ? x * slope + inter : x;
  }
  return v;
}

}  // namespace rwd::testing
