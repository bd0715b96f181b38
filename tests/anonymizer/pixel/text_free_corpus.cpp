#include "tests/anonymizer/pixel/text_free_corpus.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "core/dicom_file.h"
#include "core/pixel_data.h"
#include "tests/anonymizer/pixel/corpus_object_writer.h"
#include "tests/support/nifti_volume.h"

namespace rwd::testing::corpus {
namespace fs = std::filesystem;
namespace {

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("text-free corpus: missing test file " + path);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::vector<cv::Mat> LoadFrames(const std::string& path, int* bits_stored, int max_frames) {
  const std::vector<uint8_t> bytes = ReadFile(path);
  auto file = DicomFile::Parse(bytes);
  if (!file.ok()) throw std::runtime_error("text-free corpus: cannot parse " + path);
  auto px = PixelData::Decode(*file);
  if (!px.ok()) throw std::runtime_error("text-free corpus: cannot decode " + path);
  int type = CV_8U;
  if (px->bits_allocated() == 16) type = px->is_signed() ? CV_16S : CV_16U;
  if (px->bits_allocated() == 32) type = CV_32S;
  std::vector<cv::Mat> out;
  for (int f = 0; f < std::min(max_frames, px->frames()); ++f) {
    cv::Mat m(px->rows(), px->columns(), CV_MAKETYPE(type, px->samples_per_pixel()),
              const_cast<uint8_t*>(px->frame(f).data()));
    out.push_back(m.clone());
  }
  *bits_stored = px->bits_allocated() == 8 ? 8 : std::min(16, px->bits_stored());
  if (type == CV_32S) {  // dose grids: to 16 bits, as many planning systems store them
    double lo = 0, hi = 0;
    for (const cv::Mat& m : out) {
      double a, b;
      cv::minMaxLoc(m, &a, &b);
      hi = std::max(hi, b);
    }
    for (cv::Mat& m : out) m.convertTo(m, CV_16U, 60000.0 / std::max(1.0, hi - lo));
    *bits_stored = 16;
  }
  // Stored bits only (a pixel representation that does not match the data).
  const int shift = 16 - *bits_stored;
  for (cv::Mat& m : out) {
    if (m.depth() == CV_16U && shift > 0) m &= cv::Scalar((1 << *bits_stored) - 1);
    if (m.depth() == CV_16S && shift > 0)
      for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) {
          int16_t& v = m.at<int16_t>(y, x);
          v = static_cast<int16_t>(static_cast<int16_t>(static_cast<uint16_t>(v) << shift) >> shift);
        }
  }
  // Palette colour: what a viewer shows (RGB).
  if (px->color_model() == ColorModel::kPaletteColor) {
    const PaletteLut& lut = px->palette();
    const int down = lut.bits > 8 ? 8 : 0;
    for (cv::Mat& m : out) {
      cv::Mat rgb(m.size(), CV_8UC3);
      for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) {
          const size_t e = static_cast<size_t>(
              std::clamp(int{m.at<uint8_t>(y, x)} - lut.first_mapped, 0, static_cast<int>(lut.red.size()) - 1));
          rgb.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uint8_t>(lut.red[e] >> down),
                                              static_cast<uint8_t>(lut.green[e] >> down),
                                              static_cast<uint8_t>(lut.blue[e] >> down));
        }
      m = rgb;
    }
  }
  return out;
}

namespace {

cv::Mat Flip(const cv::Mat& m, int v) {
  cv::Mat out;
  if (v == 0) return m.clone();
  if (v == 3 && m.rows == m.cols) cv::transpose(m, out);
  else cv::flip(m, out, v == 1 ? 1 : v == 2 ? 0 : -1);
  return out;
}

}  // namespace

cv::Mat Ch2Slice(const NiftiVolume& v, int axis, int s, bool eight_bit) {
  static thread_local std::pair<const void*, float> brightest{nullptr, 0.0f};  // per volume
  if (brightest.first != v.voxels.data()) {
    brightest = {v.voxels.data(), 0.0f};
    for (float x : v.voxels) brightest.second = std::max(brightest.second, x);
  }
  const double scale = 4000.0 / std::max(1.0f, brightest.second);
  const int w = axis == 0 ? v.ny : v.nx, hgt = axis == 2 ? v.ny : v.nz;
  cv::Mat m(hgt, w, CV_16U);
  for (int r = 0; r < hgt; ++r)
    for (int c = 0; c < w; ++c) {
      const int up = hgt - 1 - r;  // superior / anterior at the top
      const float x = axis == 0 ? v.at(s, c, up) : axis == 1 ? v.at(c, s, up) : v.at(c, up, s);
      m.at<uint16_t>(r, c) = static_cast<uint16_t>(std::clamp(x * scale, 0.0, 4095.0));
    }
  if (eight_bit) {
    cv::Mat eight;
    m.convertTo(eight, CV_8U, 255.0 / 4095.0 * 1.6);  // windowed: bright tissue saturates
    return eight;
  }
  cv::Mat big;
  cv::resize(m, big, cv::Size(), 2.0, 2.0, cv::INTER_CUBIC);
  return big;
}

std::vector<PlainObject> WriteTextFree(const std::string& dir, int stride) {
  fs::create_directories(dir);
  std::vector<PlainObject> out;
  int n = 0;
  auto add = [&](const std::string& kind, const Header& h, const std::vector<cv::Mat>& frames, int bits) {
    const std::string path = dir + "/plain_" + std::to_string(n) + ".dcm";
    WriteObject(path, h, Identity::Numbered(n), frames, bits, n);
    ++n;
    out.push_back({path, kind, static_cast<int>(frames.size())});
  };
  const std::string pyd = RWD_PYDICOM_TEST_FILES "/", oct = RWD_OCTAVE_IMDATA "/",
                    nib = "/usr/lib/python3/dist-packages/nibabel/nicom/tests/data/";

  // ch2: a T1 head with its face, in three orientations, as an MR series
  // whose header says nothing about burned-in text (the usual case).
  const NiftiVolume v = ReadNifti(kCh2Path);
  auto slice = [&](int axis, int s) { return Ch2Slice(v, axis, s, (s / 2) % 2 == 0); };
  static const char* kAxes[] = {"sagittal", "coronal", "axial"};
  static const char* kVendors[][2] = {{"SIEMENS", "Avanto"}, {"GE MEDICAL SYSTEMS", "SIGNA HDxt"}, {"Philips", "Ingenia"}};
  for (int axis = 0; axis < 3; ++axis) {
    const int count = axis == 0 ? v.nx : axis == 1 ? v.ny : v.nz;
    for (int s = stride / 2; s < count; s += stride) {
      Header h{UID_MRImageStorage, "MR", kVendors[s % 3][0], kVendors[s % 3][1], std::string("T1 MPRAGE ") + kAxes[axis]};
      if (s % 2) h.burned_in = "";
      const cv::Mat m = slice(axis, s);
      add(std::string("MR ch2 ") + kAxes[axis], h, {m}, m.depth() == CV_8U ? 8 : 12);
    }
  }

  // Real CT and MR slices, and flips of them.
  struct Real {
    std::string path, kind;
    Header h;
  };
  const std::vector<Real> reals = {
      {pyd + "CT_small.dcm", "CT", {UID_CTImageStorage, "CT", "GE MEDICAL SYSTEMS", "LightSpeed VCT", "CT Dose 5mm"}},
      {pyd + "693_J2KI.dcm", "CT", {UID_CTImageStorage, "CT", "TOSHIBA", "Aquilion ONE", "5/5mm Plain"}},
      {pyd + "J2K_pixelrep_mismatch.dcm", "CT", {UID_CTImageStorage, "CT", "SIEMENS", "SOMATOM", "Lv2"}},
      // (octave's CT-MONO2-16-ankle.dcm carries burned-in text: not here.)
      {pyd + "JPEG2000.dcm", "NM", {UID_NuclearMedicineImageStorage, "NM", "GE MEDICAL SYSTEMS", "Infinia", "WB"}},
      {pyd + "MR_small.dcm", "MR", {UID_MRImageStorage, "MR", "TOSHIBA_MEC", "", "T2 AX"}},
      {nib + "0.dcm", "MR", {UID_MRImageStorage, "MR", "SIEMENS", "TrioTim", "ep2d_diff"}},
      {nib + "1.dcm", "MR", {UID_MRImageStorage, "MR", "SIEMENS", "TrioTim", "ep2d_diff"}},
      {nib + "decimal_rescale.dcm", "MR", {UID_MRImageStorage, "MR", "SIEMENS", "", "localizer"}},
  };
  for (const Real& r : reals) {
    int bits = 16;
    const std::vector<cv::Mat> frames = LoadFrames(r.path, &bits, 1);
    for (int flip = 0; flip < 4; ++flip) {
      Header h = r.h;
      if (flip % 2) h.burned_in = "";
      add(r.kind, h, {Flip(frames[0], flip)}, bits);
    }
  }

  // Ultrasound: the echo cine's sector (colour Doppler), without the
  // scanner's text, in colour and grey.
  {
    int bits = 8;
    std::vector<cv::Mat> cine = LoadFrames(oct + "US-PAL-8-10x-echo.dcm", &bits);
    for (int variant = 0; variant < 3; ++variant) {
      std::vector<cv::Mat> frames;
      for (const cv::Mat& f : cine) {
        cv::Mat sector = f(cv::Rect(186, 104, 224, 224)).clone(), big, grey;
        cv::resize(sector, big, cv::Size(), 2.0, 2.0, cv::INTER_CUBIC);
        big = Flip(big, variant);
        cv::cvtColor(big, grey, cv::COLOR_RGB2GRAY);
        frames.push_back(variant == 2 ? grey : big);
      }
      add("US", {UID_UltrasoundMultiframeImageStorage, "US", "ATL", "HDI 5000", "Echo", "ORIGINAL\\PRIMARY", ""}, frames,
          8);
    }
  }

  // Secondary captures without text (pydicom's colour test images).
  for (const char* f : {"SC_rgb_rle.dcm", "SC_rgb_jpeg_dcmtk.dcm", "SC_ybr_full_422_uncompressed.dcm", "SC_rgb_rle_2frame.dcm"}) {
    int bits = 8;
    std::vector<cv::Mat> frames = LoadFrames(pyd + f, &bits);
    for (cv::Mat& m : frames) cv::resize(m, m, cv::Size(), 4.0, 4.0, cv::INTER_NEAREST);
    add("SC", {UID_SecondaryCaptureImageStorage, "OT", "RWD", "", "Screen capture", "DERIVED\\SECONDARY", ""}, frames,
        8);
  }

  // RT Dose grids: as stored (10 x 10) and resampled to CT-like matrices; a
  // dose series' description says "Dose", which a CT dose-report rule keys on.
  {
    int bits = 16;
    const std::vector<cv::Mat> dose = LoadFrames(pyd + "rtdose.dcm", &bits);
    for (int size : {0, 128, 512}) {
      std::vector<cv::Mat> frames;
      for (const cv::Mat& f : dose) {
        cv::Mat m = f.clone();
        if (size) cv::resize(f, m, cv::Size(size, size), 0, 0, cv::INTER_LINEAR);
        frames.push_back(m);
      }
      add("RTDOSE", {UID_RTDoseStorage, "RTDOSE", "GE MEDICAL SYSTEMS", "Eclipse", "Dose Report plan 1",
                     "DERIVED\\SECONDARY", ""},
          frames, 16);
    }
  }
  return out;
}

}  // namespace rwd::testing::corpus
