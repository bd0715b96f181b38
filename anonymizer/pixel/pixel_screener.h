#pragma once
// Screening for profiles that do not clean pixels (pixels.burned_in:
// quarantine-at-risk with pixels.screen: on, issue 8.3): the fast text
// detector on every frame, nothing read (no OCR), nothing changed. The
// header triage alone is not enough: the BurnedInAnnotation flag is
// usually absent. A frame has text when the detector is sure of a line
// there, except over the anatomy of a CT/MR image without a burned-in flag
// where the line's ink is not its own (anatomy_context.h): such lines are
// counted as undecided, not as text.
//
// Thread-compatible: const methods may be called from several threads.
#include <memory>

#include "anonymizer/pixel/known_regions.h"
#include "core/dicom_file.h"
#include "core/status.h"

namespace rwd::anon::pixel {

class TextDetector;

struct ScreenReport {
  bool has_pixels = false;
  int frames = 0;           // frames searched (screening stops at the first with text)
  int text_lines = 0;       // lines found in the frame with text
  int undecided_lines = 0;  // sure lines over anatomy without ink of their own
  int first_frame_with_text = -1;
  bool text_found() const { return first_frame_with_text >= 0; }
};

class PixelScreener {
 public:
  PixelScreener();  // the shipped MorphologyTextDetector
  explicit PixelScreener(std::unique_ptr<TextDetector> detector);
  ~PixelScreener();

  // `file` may hold its Pixel Data or have it deferred (PixelData::Decode).
  // `header`: the original header (modality, BurnedInAnnotation), may be
  // empty. Errors: the pixels cannot be decoded (the caller must then not
  // release the object unscreened).
  Result<ScreenReport> Screen(const DicomFile& file, const HeaderValue& header) const;

 private:
  std::unique_ptr<TextDetector> detector_;
};

}  // namespace rwd::anon::pixel
