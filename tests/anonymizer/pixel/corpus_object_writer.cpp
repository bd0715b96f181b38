#include "tests/anonymizer/pixel/corpus_object_writer.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <stdexcept>

namespace rwd::testing::corpus {
namespace {

void Put(DcmDataset* ds, const DcmTagKey& key, const std::string& value) {
  if (ds->putAndInsertString(key, value.c_str()).bad()) throw std::runtime_error("corpus: cannot set a value");
}

}  // namespace

Identity Identity::Numbered(int n) {
  return {"KOVALENKO", "MIRELA", "PZ" + std::to_string(4400000 + n), "19610412", "A" + std::to_string(7700000 + n),
          "Hospital Sankt Lioba"};
}

void WriteObject(const std::string& path, const Header& h, const Identity& who, const std::vector<cv::Mat>& frames,
                 int bits_stored, int n) {
  DcmFileFormat ff;
  DcmDataset* ds = ff.getDataset();
  const std::string uid = "2.25.9" + std::to_string(1000003ull * (n + 17));
  Put(ds, DCM_SOPClassUID, h.sop_class);
  Put(ds, DCM_SOPInstanceUID, uid + ".1");
  Put(ds, DCM_StudyInstanceUID, uid + ".2");
  Put(ds, DCM_SeriesInstanceUID, uid + ".3");
  Put(ds, DCM_Modality, h.modality);
  Put(ds, DCM_PatientName, who.family + "^" + who.given);
  Put(ds, DCM_PatientID, who.id);
  Put(ds, DCM_PatientBirthDate, who.birth_da);
  Put(ds, DCM_AccessionNumber, who.accession);
  Put(ds, DCM_InstitutionName, who.institution);
  Put(ds, DCM_StudyDate, who.study_da);
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
    throw std::runtime_error("corpus: cannot write " + path);
}

}  // namespace rwd::testing::corpus
