#pragma once
// Issue 8, point 2: real images that carry no text, written as DICOM objects
// with the headers a PACS export would give them, for checking that
// cleaning changes not one pixel of them: slices of mricron's ch2 (a T1 head
// with its face; axial, coronal, sagittal), pydicom's and octave's real CT
// and MR slices (and flips), nibabel's MR, the ultrasound cine's sector
// (without the scanner's own text), secondary captures, and RT Dose grids
// (pydicom's, as stored and resampled to CT-like sizes) whose series
// description mentions "Dose" as real ones do.
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "tests/support/nifti_volume.h"

namespace rwd::testing::corpus {

struct PlainObject {
  std::string path;      // written into the folder given to WriteTextFree
  std::string kind;      // "MR ch2 axial", "CT", "US", "SC", "RTDOSE", ...
  int frames = 1;        // slices it holds
};

// Writes the set into `dir` (created). `stride` samples ch2's slices (1 = all
// 181 + 217 + 181). Throws std::runtime_error when a Debian file is missing.
std::vector<PlainObject> WriteTextFree(const std::string& dir, int stride);

// The frames of a real file in their native sample type (palette colour as
// RGB, 32-bit dose as 16-bit, values folded into the stored bits).
std::vector<cv::Mat> LoadFrames(const std::string& path, int* bits_stored, int max_frames = 1000);

// Slice `s` of ch2 along `axis` (0 sagittal, 1 coronal, 2 axial), head up:
// 8 bits at 1 mm pixels (windowed, bright tissue saturates), or 12 bits in
// a 16-bit image at twice the size.
cv::Mat Ch2Slice(const NiftiVolume& v, int axis, int s, bool eight_bit);

}  // namespace rwd::testing::corpus
