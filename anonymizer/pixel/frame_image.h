#pragma once
// Between a decoded frame (core/pixel_data.h) and what a viewer would show:
// an 8-bit image to look for text in, and filling a box of the frame with
// the darkest value the frame can show.
#include <opencv2/core.hpp>

#include "core/pixel_data.h"

namespace rwd::anon::pixel {

// The frame as displayed, 8-bit: CV_8UC1 for monochrome (MONOCHROME1
// inverted; more than 8 bits stored are windowed between the 0.2th and
// 99.8th percentiles, so burned-in text drawn at either extreme saturates),
// CV_8UC3 (R, G, B) for RGB and palette colour. A new image: `pixels` may
// change afterwards.
cv::Mat DisplayImage(const PixelData& pixels, int frame);

// The grey (luminance) version of a display image.
cv::Mat GreyImage(const cv::Mat& display);

// True when samples of `frame` have bits set above the high bit (an overlay
// or other data hidden in the unused bits; PS3.5 8.1.2 and the retired
// "overlay in pixel data" of PS3.3 C.9.2). Signed data counts as clean when
// the unused bits repeat the sign.
bool HasBitsAboveHighBit(const PixelData& pixels, int frame);
// Clears the bits above the high bit (sign-extends signed data). Returns the
// number of samples changed.
size_t ClearBitsAboveHighBit(PixelData& pixels, int frame);

// Fills `box` (clipped to the frame) with the frame's display black: the
// smallest stored value of the frame for MONOCHROME2, the largest for
// MONOCHROME1, 0 for RGB, the darkest palette entry for PALETTE COLOR.
// Samples outside the box are not touched.
void FillBox(PixelData& pixels, int frame, const cv::Rect& box);

}  // namespace rwd::anon::pixel
