#include "anonymizer/pixel/thumbnail.h"

#include <algorithm>
#include <cstring>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>

#include "anonymizer/image_encoding.h"
#include "anonymizer/pixel/frame_image.h"
#include "core/pixel_data.h"
#include "core/strings.h"

namespace rwd::anon::pixel {
namespace {

// The first number of a DS value ("40\60" -> 40); nullopt when absent or bad.
std::optional<double> FirstNumber(const DicomItem& ds, Tag tag) {
  auto v = ds.GetString(tag);
  if (!v) return std::nullopt;
  std::string s(TrimValue(std::string_view(*v).substr(0, v->find('\\'))));
  if (s.empty()) return std::nullopt;
  try {
    size_t used = 0;
    const double d = std::stod(s, &used);
    return used == s.size() ? std::optional<double>(d) : std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
}

// The stored values of one monochrome frame as doubles.
cv::Mat StoredValues(const PixelData& px, int frame) {
  const auto data = px.frame(frame);
  cv::Mat out(px.rows(), px.columns(), CV_64F);
  const size_t n = static_cast<size_t>(px.rows()) * px.columns();
  const int bytes = static_cast<int>(px.bytes_per_sample());
  const int bits = std::clamp(px.bits_stored(), 1, 8 * bytes);
  const uint32_t mask = bits >= 32 ? 0xffffffffu : (1u << bits) - 1;
  const int shift = 32 - bits;  // moves the high bit to bit 31, to sign-extend
  const bool sign = px.is_signed();
  double* dst = out.ptr<double>();
  for (size_t i = 0; i < n; ++i) {
    uint32_t u = 0;
    std::memcpy(&u, data.data() + i * bytes, bytes);
    u &= mask;
    dst[i] = sign ? static_cast<double>(static_cast<int32_t>(u << shift) >> shift) : static_cast<double>(u);
  }
  return out;
}

double Percentile(const cv::Mat& values, double p) {
  std::vector<double> v(values.begin<double>(), values.end<double>());
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

// 8-bit grey display of a monochrome frame, windowed as the header says.
cv::Mat WindowedGrey(const DicomFile& file, const PixelData& px, int frame) {
  const DicomItem ds = file.dataset();
  cv::Mat v = StoredValues(px, frame);
  double lo = 0, hi = 0;
  const std::string modality(TrimValue(ds.GetString({0x0008, 0x0060}).value_or("")));
  if (modality == "CT") {
    const double slope = FirstNumber(ds, {0x0028, 0x1053}).value_or(1.0);
    const double intercept = FirstNumber(ds, {0x0028, 0x1052}).value_or(0.0);
    v = v * slope + intercept;
    double center = 40, width = 400;  // soft tissue, HU
    auto c = FirstNumber(ds, {0x0028, 0x1050});
    auto w = FirstNumber(ds, {0x0028, 0x1051});
    if (c && w && *w >= 1) center = *c, width = *w;
    lo = center - width / 2, hi = center + width / 2;
  } else {
    lo = Percentile(v, 0.01), hi = Percentile(v, 0.99);
  }
  if (hi <= lo) hi = lo + 1;
  cv::Mat grey;
  v.convertTo(grey, CV_8U, 255.0 / (hi - lo), -lo * 255.0 / (hi - lo));  // saturating
  if (px.color_model() == ColorModel::kMonochrome1) grey = 255 - grey;
  return grey;
}

}  // namespace

Result<std::vector<uint8_t>> RenderThumbnail(const DicomFile& file, const ThumbnailOptions& options) {
  auto px = PixelData::Decode(file);
  if (!px.ok()) return px.status();
  const int frame = options.frame >= 0 && options.frame < px->frames() ? options.frame : px->frames() / 2;
  cv::Mat bgr;
  const ColorModel model = px->color_model();
  if (model == ColorModel::kMonochrome1 || model == ColorModel::kMonochrome2) {
    cv::cvtColor(WindowedGrey(file, *px, frame), bgr, cv::COLOR_GRAY2BGR);
  } else {
    cv::cvtColor(DisplayImage(*px, frame), bgr, cv::COLOR_RGB2BGR);
  }
  const double scale = std::min(1.0, static_cast<double>(std::max(8, options.max_side)) / std::max(bgr.cols, bgr.rows));
  if (scale < 1.0) cv::resize(bgr, bgr, cv::Size(), scale, scale, cv::INTER_AREA);
  for (const ThumbnailBox& b : options.outline) {
    const cv::Rect r(static_cast<int>(b.x * scale), static_cast<int>(b.y * scale),
                     std::max(2, static_cast<int>(b.width * scale + 0.5)),
                     std::max(2, static_cast<int>(b.height * scale + 0.5)));
    cv::rectangle(bgr, r, cv::Scalar(0, 0, 255), 1);
  }
  return EncodeJpeg(bgr, options.jpeg_quality);
}

}  // namespace rwd::anon::pixel
