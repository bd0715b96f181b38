#pragma once
// A burned-in text corpus generated from real images in Debian's test data
// (pydicom's and octave-dicom's files): CT, MR, NM, ultrasound (palette
// cine and RGB), secondary capture colour, with PHI rendered into the pixels
// in several Hershey fonts, sizes (cap height 10 to 30 px), positions
// (corners, header bar, middle), contrasts (white on black, grey on tissue,
// inverted, colour), single and multi-frame; and the same images without
// text. The header carries the same identifiers as the pixels, as a PACS
// export would.
//
// Deterministic: the same options give byte-identical files.
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace rwd::testing::corpus {

struct Token {
  std::string text;  // as rendered
  std::string kind;  // "name", "id", "birth date", "accession", "institution", "date", "other"
  bool phi = true;   // must not survive redact-phi
  cv::Rect box;      // tight around the rendered glyphs
  cv::Mat ink;       // CV_8U mask of the glyph pixels, the size of the image
};

struct Image {
  std::string file;  // written as <dir>/<file>
  std::string base;  // the real image it came from
  std::string modality;
  std::string style;  // font, size, position, contrast: for failure messages
  int rows = 0, columns = 0, frames = 1;
  bool has_text = false;
  std::vector<Token> tokens;  // drawn in every frame
};

struct Options {
  int text_variants = 10;  // per base image
  int plain_variants = 7;  // per base image
  unsigned seed = 4;
  bool small = false;  // a quick subset: fewer bases and variants
};

// Writes the corpus into `dir` (created) and describes it. Throws
// std::runtime_error when a Debian test file is missing or cannot be read.
std::vector<Image> Write(const std::string& dir, const Options& options);

}  // namespace rwd::testing::corpus
