// FlatRidges (flat_ridges.h) against the plain run scan it replaces, on
// frames where every case occurs: runs of one to four pixels, runs that
// touch the edges, plateaus, noise of few levels, text, and sizes that are
// not a multiple of the SIMD width.
#include "anonymizer/pixel/flat_ridges.h"

#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>
#include <random>

using namespace rwd::anon::pixel;

namespace {

// The definition, run by run: a maximal run of one level, at most three
// long, with a lower level at both ends, along rows and along columns.
cv::Mat RunScan(const cv::Mat& grey) {
  cv::Mat ridge = cv::Mat::zeros(grey.size(), CV_8U);
  auto scan = [&](int n, auto at, auto mark) {
    for (int a = 0; a < n;) {
      int b = a;
      while (b + 1 < n && at(b + 1) == at(a)) ++b;
      if (b - a < 3 && a > 0 && b + 1 < n && at(a - 1) < at(a) && at(b + 1) < at(a))
        for (int i = a; i <= b; ++i) mark(i);
      a = b + 1;
    }
  };
  for (int y = 0; y < grey.rows; ++y)
    scan(grey.cols, [&](int x) { return grey.at<uint8_t>(y, x); }, [&](int x) { ridge.at<uint8_t>(y, x) = 1; });
  for (int x = 0; x < grey.cols; ++x)
    scan(grey.rows, [&](int y) { return grey.at<uint8_t>(y, x); }, [&](int y) { ridge.at<uint8_t>(y, x) = 1; });
  return ridge;
}

cv::Mat Random(int rows, int cols, int levels, unsigned seed) {
  cv::Mat m(rows, cols, CV_8U);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> level(0, levels - 1);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) m.at<uint8_t>(y, x) = static_cast<uint8_t>(100 + level(rng));
  return m;
}

void Same(const cv::Mat& grey) {
  const cv::Mat fast = FlatRidges(grey), plain = RunScan(grey);
  REQUIRE(fast.size() == grey.size());
  CHECK(cv::countNonZero(fast != plain) == 0);
  CHECK(cv::countNonZero(fast > 1) == 0);
}

}  // namespace

TEST_CASE("flat ridges: the vectorised search marks exactly what the run scan marks") {
  // Two or three levels make runs of every length, and every end.
  for (int levels : {2, 3, 5, 256})
    for (cv::Size size : {cv::Size(512, 512), cv::Size(37, 23), cv::Size(17, 5), cv::Size(3, 40), cv::Size(1, 1),
                          cv::Size(7, 7), cv::Size(100, 3)}) {
      CAPTURE(levels);
      CAPTURE(size);
      Same(Random(size.height, size.width, levels, static_cast<unsigned>(levels * 1000 + size.width)));
    }
  // Text over smooth tissue, and a region (a view) of it: rows with a step.
  cv::Mat tissue(300, 301, CV_8U);
  for (int y = 0; y < tissue.rows; ++y)
    for (int x = 0; x < tissue.cols; ++x) tissue.at<uint8_t>(y, x) = static_cast<uint8_t>(90 + x / 20 + y / 40);
  cv::putText(tissue, "DOE^JANE 1961-04-12", {10, 150}, cv::FONT_HERSHEY_SIMPLEX, 0.7, cv::Scalar(140), 1, cv::LINE_8);
  Same(tissue);
  Same(tissue(cv::Rect(5, 7, 250, 200)));
  // Flat frames: no ridge at all.
  const cv::Mat flat(64, 64, CV_8U, cv::Scalar(7));
  CHECK(cv::countNonZero(FlatRidges(flat)) == 0);
  // One bright pixel, one bright bar of three, one of four (too long).
  cv::Mat bars = cv::Mat::zeros(20, 40, CV_8U);
  bars.at<uint8_t>(10, 5) = 9;
  bars(cv::Rect(10, 10, 3, 1)) = 9;
  bars(cv::Rect(20, 10, 4, 1)) = 9;
  const cv::Mat r = FlatRidges(bars);
  CHECK(r.at<uint8_t>(10, 5) == 1);
  CHECK(cv::countNonZero(r(cv::Rect(10, 10, 3, 1))) == 3);
  CHECK(cv::countNonZero(r(cv::Rect(20, 10, 4, 1))) == 4);  // one pixel tall: a ridge down each column
  CHECK(cv::countNonZero(r) == 8);
}
