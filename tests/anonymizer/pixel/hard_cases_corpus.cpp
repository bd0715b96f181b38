#include "tests/anonymizer/pixel/hard_cases_corpus.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <filesystem>
#include <map>
#include <memory>
#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <stdexcept>

#include "tests/anonymizer/pixel/corpus_object_writer.h"
#include "tests/anonymizer/pixel/text_free_corpus.h"

namespace rwd::testing::corpus {
namespace fs = std::filesystem;
namespace {

const std::string kFonts = "/usr/share/fonts/truetype/dejavu/";

cv::Ptr<cv::freetype::FreeType2> Font(const std::string& file) {
  static std::map<std::string, cv::Ptr<cv::freetype::FreeType2>> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  if (!fs::exists(kFonts + file)) throw std::runtime_error("hard cases: missing font " + kFonts + file + " (fonts-dejavu)");
  cv::Ptr<cv::freetype::FreeType2> f = cv::freetype::createFreeType2();
  f->loadFontData(kFonts + file, 0);
  return cache[file] = f;
}

struct Segment {
  std::string text, kind;  // kind "" = a label, not a token
  bool phi = true;
};
using Line = std::vector<Segment>;

struct Style {
  std::string font;
  int height = 16;  // FreeType font height in pixels
  bool antialias = true;
  cv::Point origin;  // top-left of the block
};

// OpenCV's Hershey faces, named "hershey-<face>[-bold]": cap height about
// 0.73 of `height` as for the FreeType faces; bold strokes are three pixels.
struct Hershey {
  int face = -1, thickness = 1;
  double scale = 1;
};
Hershey HersheyOf(const Style& st) {
  Hershey h;
  if (st.font.rfind("hershey-", 0) != 0) return h;
  static const std::map<std::string, int> kFaces = {{"simplex", cv::FONT_HERSHEY_SIMPLEX},
                                                    {"duplex", cv::FONT_HERSHEY_DUPLEX},
                                                    {"complex", cv::FONT_HERSHEY_COMPLEX},
                                                    {"triplex", cv::FONT_HERSHEY_TRIPLEX}};
  const std::string rest = st.font.substr(8);
  const bool bold = rest.size() > 5 && rest.substr(rest.size() - 5) == "-bold";
  h.face = kFaces.at(bold ? rest.substr(0, rest.size() - 5) : rest);
  h.thickness = bold ? 3 : std::max(1, st.height / 14);
  int base = 0;
  h.scale = 0.73 * st.height / cv::getTextSize("H", h.face, 1.0, h.thickness, &base).height;
  return h;
}

int Width(const Style& st, const std::string& s) {
  int base = 0;
  const Hershey h = HersheyOf(st);
  if (h.face >= 0) return cv::getTextSize(s, h.face, h.scale, h.thickness, &base).width;
  return Font(st.font)->getTextSize(s, st.height, -1, &base).width;
}

// Coverage masks (0..255) of the lines, and the tokens with their own masks.
cv::Mat Draw(cv::Size size, const std::vector<Line>& lines, const Style& st, std::vector<Token>* tokens) {
  cv::Mat all(size, CV_8U, cv::Scalar(0));
  const int pitch = st.height * 14 / 10;
  for (size_t i = 0; i < lines.size(); ++i) {
    const int baseline = st.origin.y + st.height + pitch * static_cast<int>(i);
    int x = st.origin.x;
    for (const Segment& g : lines[i]) {
      cv::Mat rgb(size, CV_8UC3, cv::Scalar(0, 0, 0)), m;  // FreeType draws into 8-bit RGB only
      const Hershey h = HersheyOf(st);
      if (h.face >= 0)
        cv::putText(rgb, g.text, {x, baseline}, h.face, h.scale, cv::Scalar(255, 255, 255), h.thickness,
                    st.antialias ? cv::LINE_AA : cv::LINE_8);
      else
        Font(st.font)->putText(rgb, g.text, {x, baseline}, st.height, cv::Scalar(255, 255, 255), -1,
                               st.antialias ? cv::LINE_AA : cv::LINE_8, true);
      cv::extractChannel(rgb, m, 0);
      cv::max(all, m, all);
      if (!g.kind.empty()) {
        Token t;
        t.text = g.text, t.kind = g.kind, t.phi = g.phi;
        cv::threshold(m, t.ink, 127, 255, cv::THRESH_BINARY);
        t.box = cv::boundingRect(t.ink);
        tokens->push_back(std::move(t));
      }
      x += Width(st, g.text);
    }
  }
  return all;
}

// Blends `ink` into the image where `coverage` says (grey or RGB).
void Blend(cv::Mat& image, const cv::Mat& coverage, const cv::Scalar& ink) {
  for (int y = 0; y < image.rows; ++y)
    for (int x = 0; x < image.cols; ++x) {
      const double a = coverage.at<uint8_t>(y, x) / 255.0;
      if (a == 0) continue;
      if (image.type() == CV_8UC3) {
        cv::Vec3b& p = image.at<cv::Vec3b>(y, x);
        for (int c = 0; c < 3; ++c) p[c] = cv::saturate_cast<uint8_t>(p[c] * (1 - a) + ink[c] * a);
      } else if (image.type() == CV_8U) {
        uint8_t& p = image.at<uint8_t>(y, x);
        p = cv::saturate_cast<uint8_t>(p * (1 - a) + ink[0] * a);
      } else if (image.type() == CV_16U) {
        uint16_t& p = image.at<uint16_t>(y, x);
        p = cv::saturate_cast<uint16_t>(p * (1 - a) + ink[0] * a);
      } else {
        int16_t& p = image.at<int16_t>(y, x);
        p = cv::saturate_cast<int16_t>(p * (1 - a) + ink[0] * a);
      }
    }
}

// The value at `fraction` of the sorted samples of `m` inside `r`.
double Quantile(const cv::Mat& m, cv::Rect r, double fraction) {
  r &= cv::Rect(0, 0, m.cols, m.rows);
  cv::Mat f;
  m(r).convertTo(f, CV_32F);
  std::vector<float> v(f.begin<float>(), f.end<float>());
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() * fraction), v.end());
  return v[static_cast<size_t>(v.size() * fraction)];
}

std::string Digits(std::mt19937& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
  return s;
}

Identity Person(std::mt19937& rng, int n) {
  static const char* kFamilies[] = {"HALVORSEN", "ODUYA", "MARKOWITZ", "BELLACQUA", "TRINH", "ESPINOZA", "WOJCIK"};
  static const char* kGivens[] = {"Ingrid", "Tomas", "Adaeze", "Lucien", "Mirela", "Sandor", "Quentin"};
  Identity p;
  p.family = kFamilies[(rng() + n) % std::size(kFamilies)];
  p.given = kGivens[(rng() + 3 * n) % std::size(kGivens)];
  p.id = Digits(rng, 2 + rng() % 2) + "-" + Digits(rng, 6);
  p.birth_da = std::to_string(1940 + rng() % 60) + "0" + std::to_string(1 + rng() % 9) + std::to_string(10 + rng() % 18);
  p.accession = "AC" + Digits(rng, 7);
  static const char* kInstitutions[] = {"Klinikum Sankt Lioba", "Ridgeview General Hospital", "Hopital des Tilleuls"};
  p.institution = kInstitutions[rng() % std::size(kInstitutions)];
  p.study_da = "2024" + std::string("0") + std::to_string(1 + rng() % 9) + std::to_string(10 + rng() % 18);
  return p;
}

std::string Dashed(const std::string& da) { return da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2); }
std::string Dotted(const std::string& da) { return da.substr(6, 2) + "." + da.substr(4, 2) + "." + da.substr(0, 4); }

}  // namespace

std::vector<Image> WriteHardCases(const std::string& dir, unsigned seed, int per_kind) {
  fs::create_directories(dir);
  std::mt19937 rng(seed);
  std::vector<Image> out;
  const NiftiVolume ch2 = ReadNifti(kCh2Path);
  int bits_ct = 16;
  const cv::Mat ct = LoadFrames(RWD_PYDICOM_TEST_FILES "/693_J2KI.dcm", &bits_ct, 1)[0];
  int bits_us = 8;
  const std::vector<cv::Mat> us = LoadFrames(RWD_OCTAVE_IMDATA "/US-PAL-8-10x-echo.dcm", &bits_us, 3);
  int n = 0;
  auto emit = [&](const std::string& kind, const std::string& style, const Header& h, const Identity& who,
                  const cv::Mat& pixels, int bits, std::vector<Token> tokens) {
    Image im;
    im.file = "hard_" + kind + "_" + std::to_string(n) + ".dcm";
    im.base = kind, im.modality = h.modality, im.style = kind + ": " + style;
    im.rows = pixels.rows, im.columns = pixels.cols, im.has_text = true, im.tokens = std::move(tokens);
    WriteObject(dir + "/" + im.file, h, who, {pixels}, bits, 5000 + n);
    ++n;
    out.push_back(std::move(im));
  };
  const Header mr{UID_MRImageStorage, "MR", "SIEMENS", "Avanto", "T1 MPRAGE", "ORIGINAL\\PRIMARY", ""};

  for (int i = 0; i < per_kind; ++i) {
    // 1. Serif over the anatomy, in the middle of an MR head slice.
    {
      const Identity who = Person(rng, n);
      const bool eight = i % 2 == 1;
      cv::Mat m = Ch2Slice(ch2, 2 - i % 2, 70 + 9 * i, eight);
      Style st{i % 3 == 2 ? "DejaVuSerifCondensed.ttf" : i % 3 == 1 ? "DejaVuSerif-Italic.ttf" : "DejaVuSerif.ttf",
               16 + 3 * (i % 3), i % 2 == 0, {}};
      const std::vector<Line> lines = {{{who.family, "name"}, {", ", ""}, {who.given, "name"}},
                                       {{"ID ", ""}, {who.id, "id"}}};
      int w = 0;
      for (const Line& l : lines) {
        std::string s;
        for (const Segment& g : l) s += g.text;
        w = std::max(w, Width(st, s));
      }
      st.origin = {(m.cols - w) / 2, m.rows / 2 - st.height};
      std::vector<Token> tokens;
      const cv::Mat cov = Draw(m.size(), lines, st, &tokens);
      const double white = eight ? 255 : 4095;
      Blend(m, cov, cv::Scalar(std::min(white, Quantile(m, cv::boundingRect(cov), 0.98) * 1.15 + 0.05 * white)));
      emit("serif-over-anatomy", st.font + " " + std::to_string(st.height) + "px", mr, who, m, eight ? 8 : 12,
           std::move(tokens));
    }
    // 2. Bold on MR (corner or middle).
    {
      const Identity who = Person(rng, n);
      cv::Mat m = Ch2Slice(ch2, i % 3, 60 + 11 * i, i % 2 == 0);
      static const char* kBold[] = {"DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSansMono-Bold.ttf",
                                    "hershey-duplex-bold", "DejaVuSansCondensed-Bold.ttf", "hershey-simplex-bold"};
      // Corner, middle-left, or over the anatomy right of the middle.
      const int x = i % 3 == 2 ? m.cols / 2 : 8, y = i % 2 ? m.rows / 2 - 20 : i % 3 == 2 ? m.rows / 3 : 8;
      Style st{kBold[i % std::size(kBold)], 14 + 4 * (i % 3), i % 3 != 1, {x, y}};
      const std::vector<Line> lines = {{{who.given, "name"}, {" ", ""}, {who.family, "name"}},
                                       {{"DOB ", ""}, {Dotted(who.birth_da), "birth date"}}};
      std::vector<Token> tokens;
      const cv::Mat cov = Draw(m.size(), lines, st, &tokens);
      Blend(m, cov, cv::Scalar(m.depth() == CV_8U ? 255 : 4095));
      emit("bold-mr", st.font + " " + std::to_string(st.height) + "px", mr, who, m, m.depth() == CV_8U ? 8 : 12,
           std::move(tokens));
    }
    // 3. An institution line under the patient lines of an RGB screen capture.
    {
      const Identity who = Person(rng, n);
      cv::Mat m(480, 640, CV_8UC3, cv::Scalar(0, 0, 0));
      cv::Mat sector = us[i % us.size()](cv::Rect(186, 104, 224, 224)), big;
      cv::resize(sector, big, cv::Size(), 1.6, 1.6, cv::INTER_CUBIC);
      big.copyTo(m(cv::Rect(640 - big.cols - 20, 480 - big.rows - 20, big.cols, big.rows)));
      static const cv::Scalar kInks[] = {{255, 255, 0}, {0, 255, 255}, {255, 255, 255}, {0, 255, 0}};
      Style st{i % 2 ? "DejaVuSansCondensed.ttf" : "DejaVuSans.ttf", 13 + 2 * (i % 3), i % 2 == 0, {10, 8}};
      const std::vector<Line> lines = {{{who.family + "^" + who.given, "name"}},
                                       {{who.id, "id"}},
                                       {{Dashed(who.birth_da), "birth date"}},
                                       {{who.institution, "institution"}}};
      std::vector<Token> tokens;
      const cv::Mat cov = Draw(m.size(), lines, st, &tokens);
      Blend(m, cov, kInks[i % 4]);
      emit("institution-rgb", st.font + " " + std::to_string(st.height) + "px",
           {UID_SecondaryCaptureImageStorage, "US", "ATL", "HDI 5000", "Echo", "DERIVED\\SECONDARY", ""}, who, m, 8,
           std::move(tokens));
    }
    // 4. A date line in bold monospace on the JPEG 2000 CT slice.
    {
      const Identity who = Person(rng, n);
      cv::Mat m = ct.clone();
      if (i % 2) cv::flip(m, m, 1);
      double lo = 0, hi = 0;
      cv::minMaxLoc(m, &lo, &hi);
      Style st{"DejaVuSansMono-Bold.ttf", 13 + 3 * (i % 3), i % 2 == 1, {i % 2 ? 300 : 10, i % 3 == 2 ? 470 : 10}};
      const std::vector<Line> lines = {{{Dashed(who.study_da), "date"}, {" 10:1" + std::to_string(i % 10), ""}},
                                       {{"DOB ", ""}, {Dotted(who.birth_da), "birth date"}}};
      std::vector<Token> tokens;
      const cv::Mat cov = Draw(m.size(), lines, st, &tokens);
      Blend(m, cov, cv::Scalar(hi));
      emit("mono-date-ct", st.font + " " + std::to_string(st.height) + "px",
           {UID_CTImageStorage, "CT", "TOSHIBA", "Aquilion ONE", "5/5mm Plain", "ORIGINAL\\PRIMARY\\AXIAL", ""}, who, m,
           bits_ct, std::move(tokens));
    }
    // 5. Low contrast: a few grey levels (of the display) above the tissue under it.
    {
      const Identity who = Person(rng, n);
      const bool eight = i % 2 == 0;
      cv::Mat m = Ch2Slice(ch2, 1 + i % 2, 85 + 7 * i, eight);
      static const char* kFaces[] = {"DejaVuSans.ttf", "DejaVuSerif.ttf", "hershey-simplex", "DejaVuSansMono.ttf",
                                     "hershey-complex", "DejaVuSansCondensed.ttf", "DejaVuSans-Bold.ttf"};
      Style st{kFaces[i % std::size(kFaces)], 16 + 3 * (i % 3), i % 3 == 0, {}};
      const std::vector<Line> lines = {{{who.family, "name"}, {" ", ""}, {who.given, "name"}},
                                       {{who.id, "id"}}};
      // Over the anatomy, at several places.
      st.origin = {m.cols / 6 + (i % 3) * m.cols / 10, m.rows / 3 + (i % 4) * m.rows / 12 - st.height};
      std::vector<Token> tokens;
      const cv::Mat cov = Draw(m.size(), lines, st, &tokens);
      const double white = eight ? 255 : 4095, levels = 3 + (3 * i) % 8;  // 3..10 display levels above the tissue
      Blend(m, cov, cv::Scalar(Quantile(m, cv::boundingRect(cov), 0.85) + levels * white / 255.0));
      emit("low-contrast", st.font + " " + std::to_string(st.height) + "px, +" + std::to_string(int(levels)) +
                               " levels",
           mr, who, m, eight ? 8 : 12, std::move(tokens));
    }
  }
  return out;
}

}  // namespace rwd::testing::corpus
