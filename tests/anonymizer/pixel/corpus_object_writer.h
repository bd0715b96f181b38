#pragma once
// Writes test images as DICOM objects with the header a PACS export would
// give them (shared by the text-free and hard-case corpora).
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace rwd::testing::corpus {

struct Header {
  std::string sop_class, modality, manufacturer, model, series_description, image_type = "ORIGINAL\\PRIMARY";
  std::string burned_in = "NO";  // "" = absent (the usual case)
};

// The patient's identifiers, in the header (and, for the hard cases, in the pixels).
struct Identity {
  std::string family, given, id, birth_da, accession, institution, study_da = "20240203";
  static Identity Numbered(int n);  // a fixed synthetic patient, IDs numbered by n
};

// Grey (CV_8U, CV_16U, CV_16S) or RGB (CV_8UC3) frames as one object in
// Explicit VR Little Endian. `n` makes the UIDs unique. Throws
// std::runtime_error when it cannot be written.
void WriteObject(const std::string& path, const Header& h, const Identity& who, const std::vector<cv::Mat>& frames,
                 int bits_stored, int n);

}  // namespace rwd::testing::corpus
