#pragma once
// Issue 8, point 1: burned-in identifiers in the placements that were read
// back after cleaning, rendered with fonts-dejavu (FreeType) and OpenCV's
// Hershey faces into real pixels: serif text over the anatomy in the middle of an MR head slice
// (mricron's ch2); bold text on MR; an institution line under the patient
// lines of an RGB screen capture; a date line in bold monospace on a real
// JPEG 2000 CT slice (pydicom's 693_J2KI, decoded); low-contrast text 3 to
// 10 display grey levels above the tissue under it, at several places over
// the anatomy. Each kind in several instances
// (font, size, slice, position, anti-aliasing, values vary with the seed);
// the header holds the same identifiers, as an export would.
#include <string>
#include <vector>

#include "tests/anonymizer/pixel/burned_in_corpus.h"

namespace rwd::testing::corpus {

// Writes `per_kind` images of each kind into `dir`; Image::style names the
// kind first ("serif-over-anatomy", "bold-mr", "institution-rgb",
// "mono-date-ct", "low-contrast").
std::vector<Image> WriteHardCases(const std::string& dir, unsigned seed, int per_kind);

}  // namespace rwd::testing::corpus
