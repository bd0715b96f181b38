#include "anonymizer/pixel/flat_ridges.h"

#include <algorithm>
#include <opencv2/core/hal/intrin.hpp>

namespace rwd::anon::pixel {
namespace {

// Whether the pixel of level v is on a flat ridge along a line, from its
// neighbours m3..m1 before it and p1..p3 after: the run through it is one,
// two or three pixels of v with a lower level at each end, and it is that
// run's first, second or third pixel. For ints (a neighbour outside the
// frame is 256: never lower, never equal) and for SIMD lanes alike.
template <typename T>
[[gnu::always_inline]] inline auto Ridge(const T& m3, const T& m2, const T& m1, const T& v, const T& p1, const T& p2, const T& p3) {
  const auto first = (m1 < v) & ((p1 < v) | ((p1 == v) & ((p2 < v) | ((p2 == v) & (p3 < v)))));
  const auto second = (m1 == v) & (m2 < v) & ((p1 < v) | ((p1 == v) & (p2 < v)));
  const auto third = (m1 == v) & (m2 == v) & (m3 < v) & (p1 < v);
  return first | second | third;
}

// Pixel i of a line of n, at(j) its j-th pixel.
template <typename At>
bool RidgeAt(int i, int n, At at) {
  auto get = [&](int j) { return j < 0 || j >= n ? 256 : static_cast<int>(at(j)); };
  return Ridge(get(i - 3), get(i - 2), get(i - 1), get(i), get(i + 1), get(i + 2), get(i + 3));
}

}  // namespace

cv::Mat FlatRidges(const cv::Mat& grey) {
  CV_Assert(grey.type() == CV_8UC1);
  const int rows = grey.rows, cols = grey.cols;
  cv::Mat ridge = cv::Mat::zeros(grey.size(), CV_8U);
#if CV_SIMD128  // (without it, every pixel the scalar way)
  const cv::v_uint8x16 one = cv::v_setall_u8(1);
  constexpr int kLanes = cv::v_uint8x16::nlanes;
#endif
  for (int y = 0; y < rows; ++y) {
    const uint8_t* r = grey.ptr<uint8_t>(y);
    uint8_t* out = ridge.ptr<uint8_t>(y);
    // Along the row.
    int x = 0;
    for (; x < std::min(3, cols); ++x) out[x] |= RidgeAt(x, cols, [&](int j) { return r[j]; });
#if CV_SIMD128
    for (; x + 3 + kLanes <= cols; x += kLanes) {
      auto at = [&](int d) { return cv::v_load(r + x + d); };
      const cv::v_uint8x16 m = Ridge(at(-3), at(-2), at(-1), at(0), at(1), at(2), at(3));
      cv::v_store(out + x, cv::v_load(out + x) | (m & one));
    }
#endif
    for (; x < cols; ++x) out[x] |= RidgeAt(x, cols, [&](int j) { return r[j]; });
    // Down the columns.
    auto column = [&](int cx) { return RidgeAt(y, rows, [&](int j) { return grey.ptr<uint8_t>(j)[cx]; }); };
    x = 0;
    if (y >= 3 && y + 3 < rows) {
      const uint8_t* n[7];
      for (int d = -3; d <= 3; ++d) n[d + 3] = grey.ptr<uint8_t>(y + d);
#if CV_SIMD128
      for (; x + kLanes <= cols; x += kLanes) {
        auto at = [&](int d) { return cv::v_load(n[d + 3] + x); };
        const cv::v_uint8x16 m = Ridge(at(-3), at(-2), at(-1), at(0), at(1), at(2), at(3));
        cv::v_store(out + x, cv::v_load(out + x) | (m & one));
      }
#endif
      for (; x < cols; ++x) out[x] |= Ridge<int>(n[0][x], n[1][x], n[2][x], n[3][x], n[4][x], n[5][x], n[6][x]);
    }
    for (; x < cols; ++x) out[x] |= column(x);
  }
  return ridge;
}

}  // namespace rwd::anon::pixel
