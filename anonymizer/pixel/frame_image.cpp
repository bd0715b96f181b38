#include "anonymizer/pixel/frame_image.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <opencv2/imgproc.hpp>

namespace rwd::anon::pixel {
namespace {

inline uint32_t LoadRaw(const uint8_t* p, size_t bps) {
  switch (bps) {
    case 1: return p[0];
    case 2: return static_cast<uint32_t>(p[0] | (p[1] << 8));
    default: return static_cast<uint32_t>(p[0] | (p[1] << 8) | (p[2] << 16)) | (static_cast<uint32_t>(p[3]) << 24);
  }
}
inline void StoreRaw(uint8_t* p, size_t bps, uint32_t v) {
  for (size_t b = 0; b < bps; ++b) p[b] = static_cast<uint8_t>(v >> (8 * b));
}

// Reads the meaningful value of samples: the low bits_stored bits,
// sign-extended when signed.
struct SampleCodec {
  size_t bps;
  int bits;
  bool is_signed;
  explicit SampleCodec(const PixelData& p)
      : bps(p.bytes_per_sample()), bits(p.bits_stored()), is_signed(p.is_signed()) {}
  int64_t Value(const uint8_t* p) const {
    const uint32_t raw = LoadRaw(p, bps);
    if (bits >= 32) return is_signed ? static_cast<int32_t>(raw) : static_cast<int64_t>(raw);
    const uint32_t v = raw & ((1u << bits) - 1);
    if (is_signed && ((v >> (bits - 1)) & 1)) return static_cast<int64_t>(v) - (int64_t{1} << bits);
    return v;
  }
  // The canonical raw form of a value: sign-extended over the whole sample.
  uint32_t Raw(int64_t value) const { return static_cast<uint32_t>(value); }
};

cv::Mat MonochromeDisplay(const PixelData& p, int frame) {
  const SampleCodec codec(p);
  const auto data = p.frame(frame);
  const int rows = p.rows(), cols = p.columns();
  const size_t n = static_cast<size_t>(rows) * cols;
  cv::Mat out(rows, cols, CV_8UC1);
  uint8_t* dst = out.ptr<uint8_t>();
  if (p.bits_allocated() == 8 && p.bits_stored() == 8 && !p.is_signed()) {
    std::memcpy(dst, data.data(), n);
  } else if (p.bits_stored() == 1) {
    for (size_t i = 0; i < n; ++i) dst[i] = data[i] & 1 ? 255 : 0;
  } else {
    // Window on the frame's own distribution (percentiles from a histogram of
    // at most 65536 bins).
    int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
    const size_t bps = codec.bps;
    for (size_t i = 0; i < n; ++i) {
      const int64_t v = codec.Value(data.data() + i * bps);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    const int64_t span = hi - lo + 1;
    const int64_t bins = std::min<int64_t>(span, 65536);
    std::vector<uint32_t> hist(static_cast<size_t>(bins), 0);
    auto bin = [&](int64_t v) { return static_cast<size_t>((v - lo) * bins / span); };
    for (size_t i = 0; i < n; ++i) ++hist[bin(codec.Value(data.data() + i * bps))];
    const size_t low_count = n / 500, high_count = n - n / 500;  // 0.2 % and 99.8 %
    size_t acc = 0, b_lo = 0, b_hi = hist.size() - 1;
    for (size_t b = 0; b < hist.size(); ++b) {
      if (acc <= low_count) b_lo = b;
      acc += hist[b];
      if (acc >= high_count) {
        b_hi = b;
        break;
      }
    }
    int64_t w_lo = lo + static_cast<int64_t>(b_lo) * span / bins;
    int64_t w_hi = lo + static_cast<int64_t>(b_hi + 1) * span / bins - 1;
    if (w_hi <= w_lo) w_lo = lo, w_hi = hi;
    const double scale = w_hi > w_lo ? 255.0 / static_cast<double>(w_hi - w_lo) : 0.0;
    for (size_t i = 0; i < n; ++i) {
      const int64_t v = codec.Value(data.data() + i * bps);
      const double s = (static_cast<double>(std::clamp(v, w_lo, w_hi) - w_lo)) * scale;
      dst[i] = static_cast<uint8_t>(s + 0.5);
    }
  }
  if (p.color_model() == ColorModel::kMonochrome1) cv::bitwise_not(out, out);
  return out;
}

cv::Mat PaletteDisplay(const PixelData& p, int frame) {
  const SampleCodec codec(p);
  const PaletteLut& lut = p.palette();
  const auto data = p.frame(frame);
  const size_t n = static_cast<size_t>(p.rows()) * p.columns();
  const int shift = lut.bits > 8 ? 8 : 0;
  const int64_t last = static_cast<int64_t>(lut.red.size()) - 1;
  cv::Mat out(p.rows(), p.columns(), CV_8UC3);
  uint8_t* dst = out.ptr<uint8_t>();
  for (size_t i = 0; i < n; ++i) {
    const size_t e = static_cast<size_t>(std::clamp<int64_t>(codec.Value(data.data() + i * codec.bps) - lut.first_mapped, 0, last));
    dst[3 * i] = static_cast<uint8_t>(lut.red[e] >> shift);
    dst[3 * i + 1] = static_cast<uint8_t>(lut.green[e] >> shift);
    dst[3 * i + 2] = static_cast<uint8_t>(lut.blue[e] >> shift);
  }
  return out;
}

cv::Mat RgbDisplay(const PixelData& p, int frame) {
  const auto data = p.frame(frame);
  const size_t n = static_cast<size_t>(p.rows()) * p.columns() * 3;
  cv::Mat out(p.rows(), p.columns(), CV_8UC3);
  uint8_t* dst = out.ptr<uint8_t>();
  if (p.bits_allocated() == 8) {
    std::memcpy(dst, data.data(), n);
    return out;
  }
  const SampleCodec codec(p);
  const int shift = std::max(0, p.bits_stored() - 8);
  for (size_t i = 0; i < n; ++i)
    dst[i] = static_cast<uint8_t>(std::clamp<int64_t>(codec.Value(data.data() + i * codec.bps) >> shift, 0, 255));
  return out;
}

}  // namespace

cv::Mat DisplayImage(const PixelData& pixels, int frame) {
  switch (pixels.color_model()) {
    case ColorModel::kRgb: return RgbDisplay(pixels, frame);
    case ColorModel::kPaletteColor: return PaletteDisplay(pixels, frame);
    case ColorModel::kMonochrome1:
    case ColorModel::kMonochrome2: break;
  }
  return MonochromeDisplay(pixels, frame);
}

cv::Mat GreyImage(const cv::Mat& display) {
  if (display.channels() == 1) return display;
  cv::Mat grey;
  cv::cvtColor(display, grey, cv::COLOR_RGB2GRAY);
  return grey;
}

size_t CountBitsAboveHighBit(const PixelData& pixels, int frame) {
  const SampleCodec codec(pixels);
  if (codec.bits >= pixels.bits_allocated() || pixels.bits_stored() == 1) return 0;
  const auto data = pixels.frame(frame);
  size_t count = 0;
  for (size_t i = 0; i < data.size(); i += codec.bps)
    count += LoadRaw(data.data() + i, codec.bps) != (codec.Raw(codec.Value(data.data() + i)) &
                                                     (codec.bps == 4 ? 0xFFFFFFFFu : ((1u << (8 * codec.bps)) - 1)));
  return count;
}

size_t ClearBitsAboveHighBit(PixelData& pixels, int frame) {
  const SampleCodec codec(pixels);
  if (codec.bits >= pixels.bits_allocated() || pixels.bits_stored() == 1) return 0;
  auto data = pixels.frame(frame);
  size_t count = 0;
  for (size_t i = 0; i < data.size(); i += codec.bps) {
    const uint32_t before = LoadRaw(data.data() + i, codec.bps);
    StoreRaw(data.data() + i, codec.bps, codec.Raw(codec.Value(data.data() + i)));
    count += LoadRaw(data.data() + i, codec.bps) != before;
  }
  return count;
}

void FillBoxes(PixelData& pixels, int frame, const std::vector<cv::Rect>& boxes) {
  const cv::Rect whole(0, 0, pixels.columns(), pixels.rows());
  const SampleCodec codec(pixels);
  const size_t spp = static_cast<size_t>(pixels.samples_per_pixel());
  const size_t pixel = spp * codec.bps;
  auto data = pixels.frame(frame);

  // The sample pattern of one black pixel.
  std::vector<uint8_t> black(pixel, 0);
  switch (pixels.color_model()) {
    case ColorModel::kRgb: break;
    case ColorModel::kPaletteColor: {
      const PaletteLut& lut = pixels.palette();
      size_t darkest = 0;
      uint32_t best = std::numeric_limits<uint32_t>::max();
      for (size_t e = 0; e < lut.red.size(); ++e) {
        const uint32_t sum = uint32_t{lut.red[e]} + lut.green[e] + lut.blue[e];
        if (sum < best) best = sum, darkest = e;
      }
      StoreRaw(black.data(), codec.bps, codec.Raw(lut.first_mapped + static_cast<int64_t>(darkest)));
      break;
    }
    case ColorModel::kMonochrome1:
    case ColorModel::kMonochrome2: {
      const bool max = pixels.color_model() == ColorModel::kMonochrome1;
      int64_t v = codec.Value(data.data());
      for (size_t i = 0; i < data.size(); i += codec.bps) {
        const int64_t s = codec.Value(data.data() + i);
        v = max ? std::max(v, s) : std::min(v, s);
      }
      StoreRaw(black.data(), codec.bps, codec.Raw(v));
      break;
    }
  }
  const size_t stride = static_cast<size_t>(pixels.columns()) * pixel;
  for (const cv::Rect& b : boxes) {
    const cv::Rect r = b & whole;
    for (int y = r.y; y < r.y + r.height; ++y) {
      uint8_t* row = data.data() + y * stride + static_cast<size_t>(r.x) * pixel;
      for (int x = 0; x < r.width; ++x) std::memcpy(row + x * pixel, black.data(), pixel);
    }
  }
}

}  // namespace rwd::anon::pixel
