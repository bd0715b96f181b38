#pragma once
// Where strokes are not surely text (issue 8.2): over the anatomy of a CT or
// MR image, edges of tissue look like strokes to a morphology detector and
// read as a few letters to OCR. There a region counts as text only when its
// ink is its own (one grey level, rare around it: rendered text, however
// faint); otherwise it is undecided (pixels.unsure). Used by the cleaner
// and the screener alike.
#include <opencv2/core.hpp>

#include "anonymizer/pixel/known_regions.h"
#include "anonymizer/pixel/text_detector.h"

namespace rwd::anon::pixel {

// CT and MR images whose header does not say BurnedInAnnotation YES.
bool AnatomyMayLookLikeText(const HeaderValue& header);

// Half the Otsu threshold of an 8-bit grey frame (at least 8): below it is
// the empty field around the body.
int BackgroundLevel(const cv::Mat& grey);

// Whether most of a ring around `box` (one line height wide) is brighter
// than `background`, and the box is not a label-sized line (at most half
// the width) within a line height of an edge: inside the imaged body, not
// the field or the margins where scanners put their labels.
bool OverAnatomy(const cv::Mat& grey, const cv::Rect& box, int background);

// Whether the region's strokes (its brightest or darkest tenth, by
// `polarity`) mostly share one grey level (+-1) that is rare (< 10 %) in a
// ring around it. With `ink` (the level the detector saw its strokes
// share; faint text is not the brightest tenth of its box) that level must
// cover a twentieth of the box and be rare around it.
bool OwnInk(const cv::Mat& grey, const cv::Rect& box, Polarity polarity, int ink = -1);

// The grey level the region's strokes mostly have (the mode of its
// brightest or darkest tenth): what "isolating the text's own intensity"
// keeps.
int InkLevel(const cv::Mat& grey, const cv::Rect& box, Polarity polarity);

}  // namespace rwd::anon::pixel
