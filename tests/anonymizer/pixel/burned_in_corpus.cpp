#include "tests/anonymizer/pixel/burned_in_corpus.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/imgproc.hpp>
#include <random>
#include <stdexcept>

#include "core/dicom_file.h"
#include "core/pixel_data.h"

namespace rwd::testing::corpus {
namespace fs = std::filesystem;
namespace {

const std::string kPydicom = std::string(RWD_PYDICOM_TEST_FILES) + "/";
const std::string kOctave = std::string(RWD_OCTAVE_IMDATA) + "/";

enum class Kind { kMono, kRgb, kPalette };

// A real image, decoded, in its native sample type.
struct Base {
  std::string name, modality, sop_class;
  Kind kind = Kind::kMono;
  std::vector<cv::Mat> frames;  // CV_16S / CV_16U / CV_8U, CV_8UC3 (RGB order), palette indices
  int bits_stored = 8;
  bool is_signed = false;
  PaletteLut lut;
  double black = 0, white = 255;  // the darkest and brightest value of the data
};

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("corpus: missing test file " + path + " (install python3-pydicom, octave-dicom)");
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Base Load(const std::string& name, const std::string& path, const std::string& modality, const std::string& sop_class,
          int frames = 1) {
  const std::vector<uint8_t> bytes = ReadFile(path);
  auto file = DicomFile::Parse(bytes);
  if (!file.ok()) throw std::runtime_error("corpus: cannot parse " + path);
  auto pixels = PixelData::Decode(*file);
  if (!pixels.ok()) throw std::runtime_error("corpus: cannot decode " + path + ": " + pixels.status().ToString());
  Base b;
  b.name = name, b.modality = modality, b.sop_class = sop_class;
  b.bits_stored = pixels->bits_stored();
  b.is_signed = pixels->is_signed();
  b.kind = pixels->color_model() == ColorModel::kRgb            ? Kind::kRgb
           : pixels->color_model() == ColorModel::kPaletteColor ? Kind::kPalette
                                                                : Kind::kMono;
  b.lut = pixels->palette();
  int type = CV_8U;
  if (pixels->bits_allocated() == 16) type = pixels->is_signed() ? CV_16S : CV_16U;
  for (int f = 0; f < std::min(frames, pixels->frames()); ++f) {
    cv::Mat m(pixels->rows(), pixels->columns(), CV_MAKETYPE(type, pixels->samples_per_pixel()),
              const_cast<uint8_t*>(pixels->frame(f).data()));
    b.frames.push_back(m.clone());
  }
  if (b.kind == Kind::kMono) {
    // Only the stored bits count: values outside them (a pixel representation
    // that does not match the data) are folded into the stored range.
    if (pixels->bits_allocated() == 16 && b.bits_stored < 16) {
      const int shift = 16 - b.bits_stored;
      for (cv::Mat& m : b.frames)
        for (int y = 0; y < m.rows; ++y)
          for (int x = 0; x < m.cols; ++x) {
            if (b.is_signed) {
              int16_t& v = m.at<int16_t>(y, x);
              v = static_cast<int16_t>(static_cast<int16_t>(static_cast<uint16_t>(v) << shift) >> shift);
            } else {
              m.at<uint16_t>(y, x) = static_cast<uint16_t>(m.at<uint16_t>(y, x) & ((1u << b.bits_stored) - 1));
            }
          }
    }
    cv::minMaxLoc(b.frames[0], &b.black, &b.white);
  }
  return b;
}

void Resize(Base& b, double factor) {
  for (cv::Mat& m : b.frames) {
    cv::Mat out;
    cv::resize(m, out, cv::Size(), factor, factor, b.kind == Kind::kPalette ? cv::INTER_NEAREST : cv::INTER_CUBIC);
    m = out;
  }
  if (b.kind == Kind::kMono) cv::minMaxLoc(b.frames[0], &b.black, &b.white);
}

void Crop(Base& b, cv::Rect r) {
  for (cv::Mat& m : b.frames) m = m(r).clone();
}

// The ultrasound cine with its palette applied.
Base ToRgb(const Base& pal, const std::string& name, int frames) {
  Base b = pal;
  b.name = name;
  b.kind = Kind::kRgb;
  b.frames.clear();
  const int shift = pal.lut.bits > 8 ? 8 : 0;
  for (int f = 0; f < frames; ++f) {
    const cv::Mat& idx = pal.frames[f];
    cv::Mat rgb(idx.size(), CV_8UC3);
    for (int y = 0; y < idx.rows; ++y)
      for (int x = 0; x < idx.cols; ++x) {
        const size_t e = static_cast<size_t>(
            std::clamp(int{idx.at<uint8_t>(y, x)} - pal.lut.first_mapped, 0, static_cast<int>(pal.lut.red.size()) - 1));
        rgb.at<cv::Vec3b>(y, x) =
            cv::Vec3b(static_cast<uint8_t>(pal.lut.red[e] >> shift), static_cast<uint8_t>(pal.lut.green[e] >> shift),
                      static_cast<uint8_t>(pal.lut.blue[e] >> shift));
      }
    b.frames.push_back(rgb);
  }
  b.sop_class = UID_UltrasoundMultiframeImageStorage;
  return b;
}

std::vector<Base> Bases(bool small) {
  std::vector<Base> bases;
  bases.push_back(Load("ct693", kPydicom + "693_J2KI.dcm", "CT", UID_CTImageStorage));
  bases.push_back(Load("mr", kPydicom + "MR_small.dcm", "MR", UID_MRImageStorage));
  Resize(bases.back(), 4.0);
  Base us = Load("us_pal", kOctave + "US-PAL-8-10x-echo.dcm", "US", UID_UltrasoundMultiframeImageStorage, 10);
  Crop(us, cv::Rect(186, 104, 224, 224));  // the sector, without the scanner's own text
  Resize(us, 2.0);
  bases.push_back(ToRgb(us, "us_rgb", 3));
  if (!small) {
    bases.push_back(us);
    bases.push_back(Load("ct_pixrep", kPydicom + "J2K_pixelrep_mismatch.dcm", "CT", UID_CTImageStorage));
    bases.push_back(Load("ct_small", kPydicom + "CT_small.dcm", "CT", UID_CTImageStorage));
    Resize(bases.back(), 3.0);
    bases.push_back(Load("nm", kPydicom + "JPEG-lossy.dcm", "NM", UID_NuclearMedicineImageStorage));
    bases.push_back(Load("sc_rgb", kPydicom + "SC_rgb_rle.dcm", "OT", UID_SecondaryCaptureImageStorage));
    Resize(bases.back(), 3.0);
    bases.push_back(Load("dfl", kPydicom + "image_dfl.dcm", "OT", UID_SecondaryCaptureImageStorage));
    Base echo = us;  // the ultrasound cine's other frames, for more text images
    echo.name = "us_pal2";
    std::reverse(echo.frames.begin(), echo.frames.end());
    bases.push_back(echo);
  }
  return bases;
}

// ---------------------------------------------------------------- identities

struct Person {
  std::string family, given, id, birth_da, accession, institution;
};

std::string Syllables(std::mt19937& rng, int n) {
  static const char* kOnsets[] = {"B", "D", "F", "G", "H", "K",  "L",  "M",  "N",  "P",
                                  "R", "S", "T", "V", "Z", "CH", "SH", "TR", "BR", "KR"};
  static const char* kVowels[] = {"A", "E", "I", "O", "U", "A", "E", "O"};
  std::string s;
  for (int i = 0; i < n; ++i) {
    s += kOnsets[rng() % std::size(kOnsets)];
    s += kVowels[rng() % std::size(kVowels)];
  }
  if (rng() % 2) s += "NRSKLT"[rng() % 6];
  return s;
}

std::string Digits(std::mt19937& rng, int n) {
  std::string s(1, static_cast<char>('1' + rng() % 9));
  while (static_cast<int>(s.size()) < n) s += static_cast<char>('0' + rng() % 10);
  return s;
}

Person MakePerson(std::mt19937& rng) {
  Person p;
  p.family = Syllables(rng, 2 + static_cast<int>(rng() % 2));
  p.given = Syllables(rng, 2);
  p.id = rng() % 3 == 0 ? std::string(1, static_cast<char>('A' + rng() % 26)) + Digits(rng, 7) : Digits(rng, 8);
  const int year = 1935 + static_cast<int>(rng() % 70), month = 1 + static_cast<int>(rng() % 12),
            day = 1 + static_cast<int>(rng() % 28);
  char da[16];
  std::snprintf(da, sizeof da, "%04d%02d%02d", year, month, day);
  p.birth_da = da;
  p.accession = Digits(rng, 10);
  static const char* kInstitutions[] = {"ST ELSEWHERE GENERAL", "NORTHFIELD CLINIC", "RIVERSIDE IMAGING"};
  p.institution = kInstitutions[rng() % std::size(kInstitutions)];
  return p;
}

std::string Title(std::string s) {
  for (size_t i = 1; i < s.size(); ++i) s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  return s;
}

// The birth date as a scanner might print it.
std::string DatePrint(const std::string& da, int form) {
  static const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  const std::string y = da.substr(0, 4), m = da.substr(4, 2), d = da.substr(6, 2);
  const std::string mon = kMonths[std::stoi(m) - 1];
  switch (form % 5) {
    case 0:
      return d + "." + m + "." + y;
    case 1:
      return y + "-" + m + "-" + d;
    case 2:
      return m + "/" + d + "/" + y;
    case 3:
      return d + " " + mon + " " + y;
    default:
      return d + "-" + Title(mon) + "-" + y;
  }
}

// ---------------------------------------------------------------- rendering

struct Segment {
  std::string text;
  std::string kind;  // "" = not a token (a label like "ID:")
  bool phi = true;
};
using Line = std::vector<Segment>;

struct Style {
  int font = cv::FONT_HERSHEY_SIMPLEX;
  int cap = 14;  // pixels, height of a capital
  int thickness = 1;
  int line_type = cv::LINE_8;
  std::string position;  // "top-left", "top-right", "bottom-left", "bottom-right", "header", "middle"
  std::string contrast;  // "white-on-black", "grey-on-tissue", "inverted", "colour"
  double scale = 1.0;
  std::string Describe() const {
    return "font " + std::to_string(font) + " cap " + std::to_string(cap) + "px thickness " +
           std::to_string(thickness) + (line_type == cv::LINE_AA ? " antialiased" : "") + " at " + position + ", " +
           contrast;
  }
};

std::string Joined(const Line& l) {
  std::string s;
  for (const Segment& g : l) s += g.text;
  return s;
}

int TextWidth(const std::string& s, const Style& st) {
  int base = 0;
  return cv::getTextSize(s, st.font, st.scale, st.thickness, &base).width;
}

// Sample values to draw with, per kind of image.
struct Ink {
  cv::Scalar text, box;
  bool has_box = false;
};

cv::Scalar Mono(double v) { return cv::Scalar(v); }

// Draws the lines into every frame and returns the tokens.
std::vector<Token> Render(Base& b, std::vector<cv::Mat>& frames, const std::vector<Line>& lines, const Style& st,
                          std::mt19937& rng) {
  const int rows = frames[0].rows, cols = frames[0].cols;
  const int pitch = st.cap * 17 / 10 + st.thickness;
  int widest = 0;
  for (const Line& l : lines) widest = std::max(widest, TextWidth(Joined(l), st));
  const int block_h = pitch * static_cast<int>(lines.size());
  const int margin = std::max(4, st.cap / 2);
  int x0 = margin, y0 = margin;  // top-left of the block
  if (st.position == "top-right" || st.position == "bottom-right") x0 = cols - widest - margin;
  if (st.position == "bottom-left" || st.position == "bottom-right") y0 = rows - block_h - margin;
  if (st.position == "middle") x0 = (cols - widest) / 2, y0 = (rows - block_h) / 2;
  if (st.position == "header")
    x0 = margin + static_cast<int>(rng() % std::max(1, cols - widest - 2 * margin)), y0 = margin / 2;
  x0 = std::max(1, x0), y0 = std::max(1, y0);

  // Values: the image's own black and white (mono), palette entries, colours.
  Ink ink;
  auto palette_index = [&](bool brightest) {
    size_t best = 0;
    int best_sum = brightest ? -1 : 1 << 30;
    for (size_t e = 0; e < b.lut.red.size(); ++e) {
      const int sum = b.lut.red[e] + b.lut.green[e] + b.lut.blue[e];
      if (brightest ? sum > best_sum : sum < best_sum) best_sum = sum, best = e;
    }
    return static_cast<double>(b.lut.first_mapped + static_cast<int>(best));
  };
  const cv::Rect block(x0 - margin / 2, y0 - margin / 2, widest + margin, block_h + margin / 2);
  const cv::Rect bar = st.position == "header" ? cv::Rect(0, 0, cols, block_h + margin) & cv::Rect(0, 0, cols, rows)
                                               : block & cv::Rect(0, 0, cols, rows);
  if (b.kind == Kind::kMono) {
    const double range = b.white - b.black;
    if (st.contrast == "white-on-black") {
      // On black: the image's own background, or a black box as scanners draw.
      ink.text = Mono(b.white), ink.box = Mono(b.black);
      ink.has_box = st.position == "header" || cv::mean(frames[0](bar))[0] > b.black + 0.3 * range;
    } else if (st.contrast == "inverted") {
      ink.text = Mono(b.black), ink.box = Mono(b.black + 0.9 * range), ink.has_box = true;
    } else {  // grey on tissue: a little brighter than the brightest tissue under it
      cv::Mat under;
      frames[0](bar).convertTo(under, CV_32F);
      std::vector<float> v(under.begin<float>(), under.end<float>());
      std::nth_element(v.begin(), v.begin() + v.size() * 95 / 100, v.end());
      ink.text = Mono(std::min(b.white, v[v.size() * 95 / 100] + 0.15 * range));
    }
  } else if (b.kind == Kind::kPalette) {
    ink.text = cv::Scalar(palette_index(true));
    ink.box = cv::Scalar(palette_index(false));
    ink.has_box = st.contrast != "colour";
  } else {
    // A colour that stands out from what is under the text, as a scanner's
    // overlay colours do from their black border.
    static const cv::Scalar kColours[] = {{255, 255, 0}, {255, 255, 255}, {0, 255, 0}, {0, 255, 255}, {255, 96, 0}};
    const cv::Scalar under = cv::mean(frames[0](bar));
    cv::Scalar best = kColours[0];
    double far = -1;
    const size_t first = rng() % std::size(kColours);
    for (size_t i = 0; i < std::size(kColours); ++i) {
      const cv::Scalar& c = kColours[(first + i) % std::size(kColours)];
      const double d = cv::norm(c - under);
      if (d > far + 60) far = d, best = c;
    }
    ink.text = st.contrast == "colour" ? best : cv::Scalar(255, 255, 255);
    ink.box = cv::Scalar(0, 0, 0);
    // Scanners put coloured annotation on black: a box unless it is dark already.
    ink.has_box = st.contrast != "colour" || st.position == "header" || under[0] + under[1] + under[2] > 3 * 60;
    if (st.contrast == "inverted") ink.text = cv::Scalar(0, 0, 0), ink.box = cv::Scalar(235, 235, 235);
  }

  std::vector<Token> tokens;
  cv::Mat mask(rows, cols, CV_8U, cv::Scalar(0));
  for (cv::Mat& f : frames) {
    if (ink.has_box) cv::rectangle(f, bar, ink.box, cv::FILLED);
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const int baseline_y = y0 + pitch * static_cast<int>(i) + st.cap + st.thickness;
    int x = x0;
    for (const Segment& g : lines[i]) {
      const int w = TextWidth(g.text, st);
      for (cv::Mat& f : frames)
        cv::putText(f, g.text, {x, baseline_y}, st.font, st.scale, ink.text, st.thickness, st.line_type);
      if (!g.kind.empty()) {
        Token t;
        t.text = g.text;
        t.kind = g.kind;
        t.phi = g.phi;
        t.ink = cv::Mat(rows, cols, CV_8U, cv::Scalar(0));
        cv::putText(t.ink, g.text, {x, baseline_y}, st.font, st.scale, cv::Scalar(255), st.thickness, cv::LINE_8);
        t.box = cv::boundingRect(t.ink);
        tokens.push_back(std::move(t));
      }
      x += w;
    }
  }
  return tokens;
}

// ---------------------------------------------------------------- writing

void Put(DcmDataset* ds, const DcmTagKey& key, const std::string& value) {
  if (ds->putAndInsertString(key, value.c_str()).bad()) throw std::runtime_error("corpus: cannot set a value");
}

std::string Uid(const std::string& name, int part, unsigned seed) {
  // 2.25.<decimal>: deterministic, unique per file and part.
  uint64_t h = 1469598103934665603ull ^ seed;
  for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  h = (h ^ static_cast<uint64_t>(part)) * 1099511628211ull;
  return "2.25." + std::to_string(h) + std::to_string(part);
}

void WriteDicom(const std::string& path, const Base& b, const std::vector<cv::Mat>& frames, const Person& p,
                const std::string& name, unsigned seed) {
  DcmFileFormat ff;
  DcmDataset* ds = ff.getDataset();
  Put(ds, DCM_SOPClassUID, b.sop_class);
  Put(ds, DCM_SOPInstanceUID, Uid(name, 1, seed));
  Put(ds, DCM_StudyInstanceUID, Uid(name, 2, seed));
  Put(ds, DCM_SeriesInstanceUID, Uid(name, 3, seed));
  Put(ds, DCM_Modality, b.modality);
  Put(ds, DCM_PatientName, p.family + "^" + p.given);
  Put(ds, DCM_PatientID, p.id);
  Put(ds, DCM_PatientBirthDate, p.birth_da);
  Put(ds, DCM_PatientSex, "O");
  Put(ds, DCM_AccessionNumber, p.accession);
  Put(ds, DCM_InstitutionName, p.institution);
  Put(ds, DCM_StudyDate, "20240115");
  Put(ds, DCM_StudyTime, "101500");
  Put(ds, DCM_Manufacturer, "RWD CORPUS");
  Put(ds, DCM_ImageType, b.modality == "OT" ? "DERIVED\\SECONDARY" : "ORIGINAL\\PRIMARY");
  Put(ds, DCM_InstanceNumber, "1");
  const cv::Mat& f0 = frames[0];
  const bool rgb = b.kind == Kind::kRgb;
  const int bits_allocated = f0.depth() == CV_8U ? 8 : 16;
  ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(f0.rows));
  ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(f0.cols));
  ds->putAndInsertUint16(DCM_SamplesPerPixel, rgb ? 3 : 1);
  Put(ds, DCM_PhotometricInterpretation, rgb ? "RGB" : b.kind == Kind::kPalette ? "PALETTE COLOR" : "MONOCHROME2");
  if (rgb) ds->putAndInsertUint16(DCM_PlanarConfiguration, 0);
  ds->putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(bits_allocated));
  ds->putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(rgb ? 8 : b.bits_stored));
  ds->putAndInsertUint16(DCM_HighBit, static_cast<Uint16>((rgb ? 8 : b.bits_stored) - 1));
  ds->putAndInsertUint16(DCM_PixelRepresentation, b.is_signed ? 1 : 0);
  if (frames.size() > 1) Put(ds, DCM_NumberOfFrames, std::to_string(frames.size()));
  if (b.kind == Kind::kPalette) {
    const Uint16 descriptor[] = {static_cast<Uint16>(b.lut.red.size() == 65536 ? 0 : b.lut.red.size()),
                                 static_cast<Uint16>(b.lut.first_mapped), 16};
    const DcmTagKey descriptors[] = {DCM_RedPaletteColorLookupTableDescriptor,
                                     DCM_GreenPaletteColorLookupTableDescriptor,
                                     DCM_BluePaletteColorLookupTableDescriptor};
    const DcmTagKey tables[] = {DCM_RedPaletteColorLookupTableData, DCM_GreenPaletteColorLookupTableData,
                                DCM_BluePaletteColorLookupTableData};
    const std::vector<uint16_t>* data[] = {&b.lut.red, &b.lut.green, &b.lut.blue};
    for (int c = 0; c < 3; ++c) {
      ds->putAndInsertUint16Array(descriptors[c], descriptor, 3);
      std::vector<uint16_t> words(*data[c]);
      if (b.lut.bits <= 8)
        for (uint16_t& v : words) v = static_cast<uint16_t>(v * 257);  // written as 16-bit entries
      ds->putAndInsertUint16Array(tables[c], words.data(), static_cast<unsigned long>(words.size()));
    }
  }
  std::vector<uint8_t> pixels;
  for (const cv::Mat& f : frames) {
    const cv::Mat c = f.isContinuous() ? f : f.clone();
    pixels.insert(pixels.end(), c.data, c.data + c.total() * c.elemSize());
  }
  OFCondition ok =
      bits_allocated == 8
          ? ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()))
          : ds->putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(pixels.data()),
                                        static_cast<unsigned long>(pixels.size() / 2));
  if (ok.bad()) throw std::runtime_error("corpus: cannot set pixel data");
  if (ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad())
    throw std::runtime_error("corpus: cannot write " + path);
}

// ---------------------------------------------------------------- variants

std::vector<cv::Mat> Plain(const Base& b, int v) {
  std::vector<cv::Mat> out;
  for (size_t i = 0; i < b.frames.size(); ++i) {
    const cv::Mat& src = b.frames[b.kind == Kind::kPalette && v >= 4 ? b.frames.size() - 1 - i : i];
    cv::Mat m;
    switch (v % 7) {
      case 0:
        m = src.clone();
        break;
      case 1:
        cv::flip(src, m, 1);
        break;
      case 2:
        cv::flip(src, m, 0);
        break;
      case 3:
        cv::flip(src, m, -1);
        break;
      case 4:
        if (src.rows == src.cols)
          cv::transpose(src, m);
        else
          cv::flip(src, m, 1);
        break;
      case 5:
        if (b.kind == Kind::kPalette)
          m = src.clone();
        else
          src.convertTo(m, src.type(), 0.8, 0.1 * (b.white - b.black) + 0.2 * b.black);
        break;
      default:
        if (b.kind == Kind::kPalette) {
          cv::flip(src, m, 0);
        } else {
          cv::Mat noise(src.size(), CV_MAKETYPE(CV_32F, src.channels()));
          cv::randn(noise, 0, 0.01 * std::max(1.0, b.kind == Kind::kRgb ? 255.0 : b.white - b.black));
          cv::Mat f;
          src.convertTo(f, CV_32F);
          f += noise;
          f.convertTo(m, src.type());
        }
    }
    out.push_back(m);
  }
  return out;
}

}  // namespace

std::vector<Image> Write(const std::string& dir, const Options& options) {
  fs::create_directories(dir);
  std::mt19937 rng(options.seed);
  std::vector<Image> images;
  const std::vector<Base> bases = Bases(options.small);
  static const int kFonts[] = {cv::FONT_HERSHEY_SIMPLEX, cv::FONT_HERSHEY_DUPLEX,
                               cv::FONT_HERSHEY_COMPLEX, cv::FONT_HERSHEY_TRIPLEX,
                               cv::FONT_HERSHEY_PLAIN,   cv::FONT_HERSHEY_SIMPLEX | cv::FONT_ITALIC};
  static const int kCaps[] = {10, 12, 14, 18, 24, 30};
  static const char* kPositions[] = {"top-left", "top-right", "bottom-left", "bottom-right", "header", "middle"};
  static const char* kNonPhi[] = {"kV 120 mA 200", "W 400 L 40", "SLICE 3.0 mm", "ABDOMEN", "GAIN 82 DR 60"};
  for (const Base& base : bases) {
    const int plain = options.small ? 3 : options.plain_variants;
    // The test pattern (dfl) is no medical image: it only checks that
    // geometric texture is not taken for text.
    const int texts = base.name == "dfl" ? 0 : options.small ? 4 : options.text_variants;
    for (int v = 0; v < plain; ++v) {
      Image im;
      im.file = base.name + "_plain_" + std::to_string(v) + ".dcm";
      im.base = base.name, im.modality = base.modality, im.style = "no text, variant " + std::to_string(v);
      const std::vector<cv::Mat> frames = Plain(base, v);
      im.rows = frames[0].rows, im.columns = frames[0].cols, im.frames = static_cast<int>(frames.size());
      WriteDicom(dir + "/" + im.file, base, frames, MakePerson(rng), im.file, options.seed);
      images.push_back(std::move(im));
    }
    for (int v = 0; v < texts; ++v) {
      Base b = base;
      std::vector<cv::Mat> frames = Plain(base, v % 4);
      Style st;
      st.font = kFonts[(v + rng() % 2) % std::size(kFonts)];
      st.cap = kCaps[(v * 5 + rng() % 3) % std::size(kCaps)];
      if ((st.font & 7) == cv::FONT_HERSHEY_PLAIN) st.cap = std::max(st.cap, 12);  // PLAIN is hard to read below
      st.thickness = st.cap >= 16 && rng() % 2 ? 2 : 1;
      st.line_type = b.kind != Kind::kPalette && rng() % 2 ? cv::LINE_AA : cv::LINE_8;
      st.position = kPositions[(v + rng() % 6) % std::size(kPositions)];
      static const char* kContrasts[] = {"white-on-black", "grey-on-tissue", "inverted", "colour"};
      st.contrast = kContrasts[(v + rng() % 4) % 4];
      if (b.kind == Kind::kMono && st.contrast == "colour") st.contrast = "white-on-black";
      if (st.contrast == "grey-on-tissue") st.position = "middle";
      if (b.kind != Kind::kMono && st.contrast == "grey-on-tissue") st.contrast = "colour";

      const Person p = MakePerson(rng);
      std::vector<Line> lines;
      const std::string family = rng() % 2 ? p.family : Title(p.family), given = rng() % 2 ? p.given : Title(p.given);
      switch (rng() % 3) {
        case 0:
          lines.push_back({{family, "name"}, {", ", ""}, {given, "name"}});
          break;
        case 1:
          lines.push_back({{given, "name"}, {" ", ""}, {family, "name"}});
          break;
        default:
          lines.push_back({{"Name: ", ""}, {family, "name"}, {" ", ""}, {given, "name"}});
          break;
      }
      static const char* kIdLabels[] = {"ID: ", "MRN ", "PID "};
      lines.push_back({{kIdLabels[rng() % 3], ""}, {p.id, "id"}});
      if (rng() % 10 < 7)
        lines.push_back({{"DOB ", ""}, {DatePrint(p.birth_da, static_cast<int>(rng())), "birth date"}});
      else
        lines.push_back({{"ACC ", ""}, {p.accession, "accession"}});
      if (rng() % 4 == 0) lines.push_back({{p.institution, "institution"}});
      if (rng() % 2) lines.push_back({{kNonPhi[rng() % std::size(kNonPhi)], "other", false}});

      // Fit the block into the image: shrink the font, drop lines.
      const int cols = frames[0].cols, rows = frames[0].rows;
      for (;;) {
        int base_line = 0;
        st.scale = static_cast<double>(st.cap) / cv::getTextSize("H", st.font, 1.0, st.thickness, &base_line).height;
        int widest = 0;
        for (const Line& l : lines) widest = std::max(widest, TextWidth(Joined(l), st));
        const int block = (st.cap * 17 / 10 + st.thickness) * static_cast<int>(lines.size());
        if (widest <= cols * 9 / 10 && block <= rows * 45 / 100) break;
        if (st.cap > 10)
          st.cap -= 2, st.thickness = std::min(st.thickness, st.cap >= 16 ? 2 : 1);
        else if (lines.size() > 2)
          lines.pop_back();
        else
          break;
      }

      Image im;
      im.file = base.name + "_text_" + std::to_string(v) + ".dcm";
      im.base = base.name, im.modality = base.modality, im.has_text = true, im.style = st.Describe();
      im.tokens = Render(b, frames, lines, st, rng);
      im.rows = frames[0].rows, im.columns = frames[0].cols, im.frames = static_cast<int>(frames.size());
      WriteDicom(dir + "/" + im.file, b, frames, p, im.file, options.seed);
      images.push_back(std::move(im));
    }
  }
  return images;
}

}  // namespace rwd::testing::corpus
