#pragma once
// A small picture of a released image for people to look at (the cohort
// report): one frame, windowed for display, scaled down, optionally with
// boxes outlined, encoded as JPEG. Lives here because the pixel folder owns
// OpenCV and the frame-to-display conversion (frame_image.h); the caller
// sees bytes, never an OpenCV type.
//
// Windowing (PS3.3 C.11.2.1.2, linear): CT by the object's first Window
// Center/Width on Modality-LUT values (Rescale Slope/Intercept), else a
// soft-tissue window (C 40, W 400 HU); other monochrome images between the
// 1st and 99th percentiles of the frame; MONOCHROME1 inverted; RGB and
// PALETTE COLOR as displayed (frame_image.h).
#include <cstdint>
#include <vector>

#include "core/dicom_file.h"
#include "core/status.h"

namespace rwd::anon::pixel {

struct ThumbnailBox {
  int x = 0, y = 0, width = 0, height = 0;  // in image pixels
};

struct ThumbnailOptions {
  int max_side = 160;                // longest side in pixels (never enlarged)
  int jpeg_quality = 70;             // 0..100
  int frame = -1;                    // -1: the middle frame
  std::vector<ThumbnailBox> outline; // drawn in red, 1 px, after scaling
};

// Decodes `file` (which must be the released, de-identified object: the
// picture shows its pixels as they are) and returns the JPEG bytes.
// Errors: those of PixelData::Decode; kInternal when encoding fails.
Result<std::vector<uint8_t>> RenderThumbnail(const DicomFile& file, const ThumbnailOptions& options = {});

}  // namespace rwd::anon::pixel
