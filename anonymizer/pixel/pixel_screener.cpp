#include "anonymizer/pixel/pixel_screener.h"

#include "anonymizer/pixel/anatomy_context.h"
#include "anonymizer/pixel/frame_image.h"
#include "anonymizer/pixel/morphology_text_detector.h"
#include "anonymizer/pixel/opencv_threads.h"
#include "core/pixel_data.h"

namespace rwd::anon::pixel {

PixelScreener::PixelScreener() : PixelScreener(std::make_unique<MorphologyTextDetector>()) {}
PixelScreener::PixelScreener(std::unique_ptr<TextDetector> detector) : detector_(std::move(detector)) {
  UseOneOpenCvThread();
}
PixelScreener::~PixelScreener() = default;

Result<ScreenReport> PixelScreener::Screen(const DicomFile& file, const HeaderValue& header) const {
  ScreenReport report;
  if (!PixelData::Present(file)) return report;
  report.has_pixels = true;
  try {
    auto pixels = PixelData::DecodeView(file);
    if (!pixels.ok()) return pixels.status();
    const bool anatomy = AnatomyMayLookLikeText(header);
    for (int f = 0; f < pixels->frames() && !report.text_found(); ++f) {
      ++report.frames;
      const cv::Mat display = DisplayImage(*pixels, f);
      cv::Mat grey;
      int background = -1;
      for (const TextCandidate& c : detector_->Detect(display)) {
        if (!c.sure()) continue;
        if (anatomy) {
          if (grey.empty()) grey = GreyImage(display);
          if (background < 0) background = BackgroundLevel(grey);
          if (OverAnatomy(grey, c.box, background) && !OwnInk(grey, c.box, c.polarity)) {
            ++report.undecided_lines;
            continue;
          }
        }
        ++report.text_lines;
        report.first_frame_with_text = f;
      }
    }
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kInternal, std::string("pixel screening failed: ") + e.what());
  }
  return report;
}

}  // namespace rwd::anon::pixel
