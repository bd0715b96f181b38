#include "tests/anonymizer/pixel/text_free_corpus.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "core/dicom_file.h"
#include "core/pixel_data.h"
#include "tests/support/nifti_volume.h"

namespace rwd::testing::corpus {
namespace fs = std::filesystem;
namespace {

struct Header {
  std::string sop_class, modality, manufacturer, model, series_description, image_type = "ORIGINAL\\PRIMARY";
  std::string burned_in = "NO";  // "" = absent (the usual case)
};

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("text-free corpus: missing test file " + path);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void Put(DcmDataset* ds, const DcmTagKey& key, const std::string& value) {
  if (ds->putAndInsertString(key, value.c_str()).bad()) throw std::runtime_error("text-free corpus: cannot set a value");
}

// Grey (CV_8U, CV_16U, CV_16S) or RGB (CV_8UC3) frames as one object, with
// the identifiers a real export carries (the cleaner looks for them).
void Write(const std::string& path, const Header& h, const std::vector<cv::Mat>& frames, int bits_stored, int n) {
  DcmFileFormat ff;
  DcmDataset* ds = ff.getDataset();
  const std::string uid = "2.25.9" + std::to_string(1000003ull * (n + 17));
  Put(ds, DCM_SOPClassUID, h.sop_class);
  Put(ds, DCM_SOPInstanceUID, uid + ".1");
  Put(ds, DCM_StudyInstanceUID, uid + ".2");
  Put(ds, DCM_SeriesInstanceUID, uid + ".3");
  Put(ds, DCM_Modality, h.modality);
  Put(ds, DCM_PatientName, "KOVALENKO^MIRELA");
  Put(ds, DCM_PatientID, "PZ" + std::to_string(4400000 + n));
  Put(ds, DCM_PatientBirthDate, "19610412");
  Put(ds, DCM_AccessionNumber, "A" + std::to_string(7700000 + n));
  Put(ds, DCM_InstitutionName, "Hospital Sankt Lioba");
  Put(ds, DCM_StudyDate, "20240203");
  Put(ds, DCM_Manufacturer, h.manufacturer);
  if (!h.model.empty()) Put(ds, DCM_ManufacturerModelName, h.model);
  if (!h.series_description.empty()) Put(ds, DCM_SeriesDescription, h.series_description);
  Put(ds, DCM_ImageType, h.image_type);
  if (!h.burned_in.empty()) Put(ds, DCM_BurnedInAnnotation, h.burned_in);
  const cv::Mat& f0 = frames[0];
  const bool rgb = f0.channels() == 3;
  const int bits = f0.depth() == CV_8U ? 8 : 16;
  ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(f0.rows));
  ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(f0.cols));
  ds->putAndInsertUint16(DCM_SamplesPerPixel, rgb ? 3 : 1);
  Put(ds, DCM_PhotometricInterpretation, rgb ? "RGB" : "MONOCHROME2");
  if (rgb) ds->putAndInsertUint16(DCM_PlanarConfiguration, 0);
  ds->putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(bits));
  ds->putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(rgb ? 8 : bits_stored));
  ds->putAndInsertUint16(DCM_HighBit, static_cast<Uint16>((rgb ? 8 : bits_stored) - 1));
  ds->putAndInsertUint16(DCM_PixelRepresentation, f0.depth() == CV_16S ? 1 : 0);
  if (frames.size() > 1) Put(ds, DCM_NumberOfFrames, std::to_string(frames.size()));
  if (h.modality == "RTDOSE") {
    Put(ds, DCM_DoseUnits, "GY");
    Put(ds, DCM_DoseType, "PHYSICAL");
    Put(ds, DCM_DoseSummationType, "PLAN");
    Put(ds, DCM_DoseGridScaling, "0.0001");
  }
  std::vector<uint8_t> pixels;
  for (const cv::Mat& f : frames) {
    const cv::Mat c = f.isContinuous() ? f : f.clone();
    pixels.insert(pixels.end(), c.data, c.data + c.total() * c.elemSize());
  }
  const OFCondition ok =
      bits == 8 ? ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()))
                : ds->putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(pixels.data()),
                                              static_cast<unsigned long>(pixels.size() / 2));
  if (ok.bad() || ff.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad())
    throw std::runtime_error("text-free corpus: cannot write " + path);
}

// The frames of a real file in their native sample type (RGB stays RGB).
std::vector<cv::Mat> Frames(const std::string& path, int* bits_stored, int max_frames = 1000) {
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

cv::Mat Flip(const cv::Mat& m, int v) {
  cv::Mat out;
  if (v == 0) return m.clone();
  if (v == 3 && m.rows == m.cols) cv::transpose(m, out);
  else cv::flip(m, out, v == 1 ? 1 : v == 2 ? 0 : -1);
  return out;
}

}  // namespace

std::vector<PlainObject> WriteTextFree(const std::string& dir, int stride) {
  fs::create_directories(dir);
  std::vector<PlainObject> out;
  int n = 0;
  auto add = [&](const std::string& kind, const Header& h, const std::vector<cv::Mat>& frames, int bits) {
    const std::string path = dir + "/plain_" + std::to_string(n) + ".dcm";
    Write(path, h, frames, bits, n++);
    out.push_back({path, kind, static_cast<int>(frames.size())});
  };
  const std::string pyd = RWD_PYDICOM_TEST_FILES "/", oct = RWD_OCTAVE_IMDATA "/",
                    nib = "/usr/lib/python3/dist-packages/nibabel/nicom/tests/data/";

  // ch2: a T1 head with its face, in three orientations, as an MR series
  // whose header says nothing about burned-in text (the usual case).
  const NiftiVolume v = ReadNifti(kCh2Path);
  float hi = 0;
  for (float x : v.voxels) hi = std::max(hi, x);
  const double scale = 4000.0 / std::max(1.0f, hi);
  // Every other slice at 1 mm pixels, 8 bits (a viewer's export); the others
  // at a scanner's matrix (2x), 12 bits.
  auto slice = [&](int axis, int s) {
    const bool native = (s / 2) % 2 == 0;
    const int w = axis == 0 ? v.ny : v.nx, hgt = axis == 2 ? v.ny : v.nz;
    cv::Mat m(hgt, w, CV_16U);
    for (int r = 0; r < hgt; ++r)
      for (int c = 0; c < w; ++c) {
        const int up = hgt - 1 - r;  // superior / anterior at the top
        const float x = axis == 0 ? v.at(s, c, up) : axis == 1 ? v.at(c, s, up) : v.at(c, up, s);
        m.at<uint16_t>(r, c) = static_cast<uint16_t>(std::clamp(x * scale, 0.0, 4095.0));
      }
    if (native) {
      cv::Mat eight;
      m.convertTo(eight, CV_8U, 255.0 / 4095.0 * 1.6);  // windowed: bright tissue saturates
      return eight;
    }
    cv::Mat big;
    cv::resize(m, big, cv::Size(), 2.0, 2.0, cv::INTER_CUBIC);
    return big;
  };
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
    const std::vector<cv::Mat> frames = Frames(r.path, &bits, 1);
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
    std::vector<cv::Mat> cine = Frames(oct + "US-PAL-8-10x-echo.dcm", &bits);
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
    std::vector<cv::Mat> frames = Frames(pyd + f, &bits);
    for (cv::Mat& m : frames) cv::resize(m, m, cv::Size(), 4.0, 4.0, cv::INTER_NEAREST);
    add("SC", {UID_SecondaryCaptureImageStorage, "OT", "RWD", "", "Screen capture", "DERIVED\\SECONDARY", ""}, frames,
        8);
  }

  // RT Dose grids: as stored (10 x 10) and resampled to CT-like matrices; a
  // dose series' description says "Dose", which a CT dose-report rule keys on.
  {
    int bits = 16;
    const std::vector<cv::Mat> dose = Frames(pyd + "rtdose.dcm", &bits);
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
