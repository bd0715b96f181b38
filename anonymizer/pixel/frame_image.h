#pragma once
// Between a decoded frame (core/pixel_data.h) and what a viewer shows: an
// 8-bit image to look for text in, and filling boxes of the frame with the
// darkest value the frame can show.
#include <opencv2/core.hpp>
#include <vector>

#include "core/pixel_data.h"

namespace rwd::anon::pixel {

// The frame as displayed, 8-bit: CV_8UC1 for monochrome (MONOCHROME1
// inverted; more than 8 bits stored are windowed between the 0.2th and
// 99.8th percentiles of the frame's values, so that text drawn at either
// extreme saturates and text on tissue keeps its contrast), CV_8UC3 (R, G,
// B) for RGB and PALETTE COLOR. A new image.
cv::Mat DisplayImage(const PixelData& pixels, int frame);

// Luminance of a display image (the same image when already grey).
cv::Mat GreyImage(const cv::Mat& display);

// Samples of `frame` with bits set above the high bit: overlay planes or
// other data hidden in the unused bits (PS3.5 8.1.2; the retired overlay in
// pixel data, PS3.3 C.9.2). Signed samples whose unused bits repeat the
// sign are clean.
size_t CountBitsAboveHighBit(const PixelData& pixels, int frame);
// Clears those bits (signed samples are sign-extended); returns how many
// samples changed.
size_t ClearBitsAboveHighBit(PixelData& pixels, int frame);

// Fills every box (clipped to the frame) with the frame's display black:
// the smallest stored value of the frame for MONOCHROME2, the largest for
// MONOCHROME1, 0 for RGB, the darkest entry for PALETTE COLOR. Samples
// outside the boxes are not touched.
void FillBoxes(PixelData& pixels, int frame, const std::vector<cv::Rect>& boxes);

}  // namespace rwd::anon::pixel
