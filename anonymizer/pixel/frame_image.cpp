#include "anonymizer/pixel/frame_image.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <opencv2/imgproc.hpp>

#include "anonymizer/pixel/display_window.h"

namespace rwd::anon::pixel {
namespace {

inline uint32_t LoadRaw(const uint8_t* p, size_t bps) {
  switch (bps) {
    case 1:
      return p[0];
    case 2:
      return static_cast<uint32_t>(p[0] | (p[1] << 8));
    default:
      return static_cast<uint32_t>(p[0] | (p[1] << 8) | (p[2] << 16)) | (static_cast<uint32_t>(p[3]) << 24);
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

// The window on the frame's own distribution, [lo, hi], from a histogram of
// `bins` bins over values offset by `first`.
struct Window {
  int64_t lo, hi;
};
Window PercentileWindow(const std::vector<uint32_t>& hist, int64_t first, size_t n) {
  const size_t low_count = n / 500, high_count = n - n / 500;  // 0.2 % and 99.8 %
  size_t acc = 0, b_lo = 0, b_hi = hist.size() - 1, b_min = hist.size(), b_max = 0;
  bool low_found = false;
  for (size_t b = 0; b < hist.size(); ++b) {
    if (!hist[b]) continue;
    b_min = std::min(b_min, b);
    b_max = b;
    acc += hist[b];
    if (!low_found && acc > low_count) b_lo = b, low_found = true;
    if (acc >= high_count && b_hi == hist.size() - 1) b_hi = b;
  }
  b_hi = std::min(b_hi, b_max);
  if (b_hi <= b_lo) b_lo = b_min, b_hi = b_max;
  return {first + static_cast<int64_t>(b_lo), first + static_cast<int64_t>(b_hi)};
}

// Up to 16 bits: the window from a histogram of the stored values, then
// every sample through it (display_window.h; it replaced a table of 2^bits
// entries, 65,536 divisions to build for 16 bits stored).
template <bool kSigned>
void Display16(const uint16_t* samples, size_t n, size_t cols, int bits, uint8_t* dst) {
  const int shift = 32 - bits;
  const int64_t first = kSigned ? -(int64_t{1} << (bits - 1)) : 0;
  const uint32_t mask = (1u << bits) - 1;
  auto index = [=](uint16_t raw) -> uint32_t {
    if constexpr (kSigned)
      return static_cast<uint32_t>((static_cast<int32_t>(uint32_t{raw} << shift) >> shift) - first);
    return raw & mask;
  };
  thread_local std::vector<uint32_t> hist;
  hist.assign(size_t{1} << bits, 0);
  // The window from every other sample of every other row is the same
  // window for any image worth looking at, at a quarter of the cost.
  const int rows = static_cast<int>(n / cols), step = n >= 65536 ? 2 : 1;
  size_t counted = 0;
  for (int y = 0; y < rows; y += step)
    for (size_t x = 0, row = static_cast<size_t>(y) * cols; x < cols; x += step, ++counted)
      ++hist[index(samples[row + x])];
  const Window w = PercentileWindow(hist, first, counted);
  WindowSamples16(samples, n, bits, kSigned, static_cast<int32_t>(w.lo), static_cast<int32_t>(w.hi), dst);
}

// 32-bit samples (dose maps and the like): min-max scaled histogram.
void Display32(const PixelData& p, int frame, uint8_t* dst) {
  const SampleCodec codec(p);
  const auto data = p.frame(frame);
  const size_t n = static_cast<size_t>(p.rows()) * p.columns();
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = codec.Value(data.data() + i * 4);
    lo = std::min(lo, v), hi = std::max(hi, v);
  }
  const int64_t span = hi - lo + 1, bins = std::min<int64_t>(span, 65536);
  std::vector<uint32_t> hist(static_cast<size_t>(bins), 0);
  for (size_t i = 0; i < n; ++i) ++hist[static_cast<size_t>((codec.Value(data.data() + i * 4) - lo) * bins / span)];
  Window w = PercentileWindow(hist, 0, n);
  w.lo = lo + w.lo * span / bins;
  w.hi = lo + (w.hi + 1) * span / bins - 1;
  const double scale = w.hi > w.lo ? 255.0 / static_cast<double>(w.hi - w.lo) : 0.0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = std::clamp(codec.Value(data.data() + i * 4), w.lo, w.hi);
    dst[i] = static_cast<uint8_t>(static_cast<double>(v - w.lo) * scale + 0.5);
  }
}

cv::Mat MonochromeDisplay(const PixelData& p, int frame) {
  const auto data = p.frame(frame);
  const size_t n = static_cast<size_t>(p.rows()) * p.columns();
  cv::Mat out(p.rows(), p.columns(), CV_8UC1);
  uint8_t* dst = out.ptr<uint8_t>();
  if (p.bits_allocated() == 8 && p.bits_stored() == 8 && !p.is_signed()) {
    std::memcpy(dst, data.data(), n);
  } else if (p.bits_stored() == 1) {
    for (size_t i = 0; i < n; ++i) dst[i] = data[i] & 1 ? 255 : 0;
  } else if (p.bits_allocated() == 8) {
    // Fewer than 8 bits stored, or signed bytes: widen.
    const SampleCodec codec(p);
    std::vector<uint32_t> hist(size_t{1} << p.bits_stored(), 0);
    const int64_t first = p.is_signed() ? -(int64_t{1} << (p.bits_stored() - 1)) : 0;
    for (size_t i = 0; i < n; ++i) ++hist[static_cast<size_t>(codec.Value(data.data() + i) - first)];
    const Window w = PercentileWindow(hist, first, n);
    const double scale = w.hi > w.lo ? 255.0 / static_cast<double>(w.hi - w.lo) : 0.0;
    for (size_t i = 0; i < n; ++i)
      dst[i] = static_cast<uint8_t>(
          static_cast<double>(std::clamp(codec.Value(data.data() + i), w.lo, w.hi) - w.lo) * scale + 0.5);
  } else if (p.bits_allocated() == 16) {
    const auto* samples = reinterpret_cast<const uint16_t*>(data.data());
    const size_t cols = static_cast<size_t>(p.columns());
    if (p.is_signed())
      Display16<true>(samples, n, cols, p.bits_stored(), dst);
    else
      Display16<false>(samples, n, cols, p.bits_stored(), dst);
  } else {
    Display32(p, frame, dst);
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
    const size_t e =
        static_cast<size_t>(std::clamp<int64_t>(codec.Value(data.data() + i * codec.bps) - lut.first_mapped, 0, last));
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
    case ColorModel::kRgb:
      return RgbDisplay(pixels, frame);
    case ColorModel::kPaletteColor:
      return PaletteDisplay(pixels, frame);
    case ColorModel::kMonochrome1:
    case ColorModel::kMonochrome2:
      break;
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
  if (codec.bps == 2) {  // the common case (12 of 16 bits), in one tight loop
    const auto* s = reinterpret_cast<const uint16_t*>(data.data());
    const size_t n = data.size() / 2;
    const int shift = 16 - codec.bits;
    for (size_t i = 0; i < n; ++i) {
      const uint16_t canonical = codec.is_signed ? static_cast<uint16_t>(static_cast<int16_t>(s[i] << shift) >> shift)
                                                 : static_cast<uint16_t>(s[i] & (0xFFFFu >> shift));
      count += canonical != s[i];
    }
    return count;
  }
  for (size_t i = 0; i < data.size(); i += codec.bps)
    count += LoadRaw(data.data() + i, codec.bps) !=
             (codec.Raw(codec.Value(data.data() + i)) & (codec.bps == 4 ? 0xFFFFFFFFu : ((1u << (8 * codec.bps)) - 1)));
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
    case ColorModel::kRgb:
      break;
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
