#include "gateway/gate/pixel_recheck.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <set>

#include "core/pixel_data.h"
#include "gateway/gate/term_matcher.h"
#include "gateway/gate/text_fold.h"

namespace rwd::gateway::gate {
namespace {

// One frame as 8-bit luminance, linearly windowed between the values at the
// `low` and `high` fractions of its histogram (0 and 1: full range).
cv::Mat Luminance(const PixelData& px, int frame, double low, double high) {
  const int rows = px.rows(), cols = px.columns(), spp = px.samples_per_pixel();
  const size_t bps = px.bytes_per_sample();
  const auto data = px.frame(frame);
  cv::Mat value(rows, cols, CV_32F);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      double sum = 0;
      for (int s = 0; s < spp; ++s) {
        const size_t at = ((static_cast<size_t>(y) * cols + x) * spp + s) * bps;
        int64_t v = 0;
        if (bps == 1) v = px.is_signed() ? static_cast<int8_t>(data[at]) : data[at];
        else if (bps == 2) {
          const uint16_t u = static_cast<uint16_t>(data[at] | (data[at + 1] << 8));
          v = px.is_signed() ? static_cast<int16_t>(u) : u;
        } else {
          const uint32_t u = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (uint32_t(data[at + 3]) << 24);
          v = px.is_signed() ? static_cast<int32_t>(u) : u;
        }
        if (px.color_model() == ColorModel::kPaletteColor) {
          const PaletteLut& lut = px.palette();
          const int64_t i = std::clamp<int64_t>(v - lut.first_mapped, 0, static_cast<int64_t>(lut.red.size()) - 1);
          v = (299 * lut.red[i] + 587 * lut.green[i] + 114 * lut.blue[i]) / 1000;
        }
        sum += static_cast<double>(v);
      }
      value.at<float>(y, x) = static_cast<float>(sum / spp);
    }
  if (px.color_model() == ColorModel::kMonochrome1) value = -value;  // displayed inverted
  std::vector<float> sorted(value.begin<float>(), value.end<float>());
  std::sort(sorted.begin(), sorted.end());
  const float lo = sorted[static_cast<size_t>(low * (sorted.size() - 1))];
  const float hi = sorted[static_cast<size_t>(high * (sorted.size() - 1))];
  cv::Mat grey;
  const double scale = hi > lo ? 255.0 / (hi - lo) : 1.0;
  value.convertTo(grey, CV_8U, scale, -lo * scale);  // saturates outside [lo, hi]
  return grey;
}

std::vector<int> FramesToRead(int frames, int max_frames) {
  std::set<int> f = {0, frames / 2, frames - 1};
  std::vector<int> out(f.begin(), f.end());
  if (static_cast<int>(out.size()) > max_frames) out.resize(std::max(1, max_frames));
  return out;
}

}  // namespace

void RecheckPixels(const DicomFile& released, const std::vector<const Identifier*>& terms,
                   const std::vector<const Identifier*>& uids, anon::pixel::TextReader& reader, int max_frames,
                   int band_rows, GateResult& out) {
  if (!PixelData::Present(released)) return;
  auto px = PixelData::Decode(released);
  if (!px.ok()) {
    out.status = Status::Error(ErrorCode::kUnsafe, "released pixels cannot be decoded for the OCR check: " +
                                                       px.status().message());
    return;
  }
  for (int frame : FramesToRead(px->frames(), max_frames)) {
    // Two preprocessings: the full range, and the 1st..99th percentile
    // window inverted (text on tissue and light text become dark on light).
    // Each is read whole, then in overlapping bands of `band_rows` rows (the
    // reader reads one line at a time best; half-band steps put every line
    // up to half a band tall wholly inside one band).
    cv::Mat full = Luminance(*px, frame, 0.0, 1.0);
    cv::Mat window = Luminance(*px, frame, 0.01, 0.99);
    cv::bitwise_not(window, window);
    const std::string path = "(7FE0,0010) frame " + std::to_string(frame);
    std::vector<std::pair<const cv::Mat*, cv::Rect>> reads;
    for (const cv::Mat* grey : {&full, &window}) reads.push_back({grey, cv::Rect(0, 0, grey->cols, grey->rows)});
    const int band = band_rows, step = std::max(1, band / 2);
    if (band > 0)
      for (const cv::Mat* grey : {&full, &window})
        for (int y = 0; y < full.rows; y += step)
          reads.push_back({grey, cv::Rect(0, y, full.cols, std::min(band, full.rows - y))});
    for (const auto& [grey, box] : reads) {
      auto reading = reader.Read(*grey, box, anon::pixel::Polarity::kUnknown);
      if (!reading.ok()) {
        out.status = Status::Error(ErrorCode::kUnsafe, "OCR failed: " + reading.status().message());
        return;
      }
      const std::string folded = FoldCase(reading->text);
      for (const auto* list : {&terms, &uids})
        for (const Identifier* id : *list) {
          if (!Occurs(folded, *id)) continue;
          bool seen = false;
          for (const GateHit& h : out.hits) seen |= h.path == path && h.kind == id->kind;
          if (!seen) out.hits.push_back({path, id->kind, id->source});
        }
      if (!out.hits.empty()) break;  // one hit quarantines: the rest would only cost time
    }
    ++out.frames_read;
    if (!out.hits.empty()) return;
  }
}

}  // namespace rwd::gateway::gate
