#pragma once
// 8-bit images to JPEG (thumbnails in the report) and PNG (defacing
// renderings), with libjpeg-turbo and libpng directly: OpenCV's imgcodecs
// would load GDAL, GDCM and some 60 other libraries into every run for these
// two calls (about 40 ms of each run's start).
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

#include "core/status.h"

namespace rwd::anon {

// `bgr`: CV_8UC3 in OpenCV's channel order, or CV_8UC1. quality 0..100.
Result<std::vector<uint8_t>> EncodeJpeg(const cv::Mat& bgr, int quality);
// `grey`: CV_8UC1.
Result<std::vector<uint8_t>> EncodePng(const cv::Mat& grey);

}  // namespace rwd::anon
