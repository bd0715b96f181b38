// QC through the binary, on what only the pipeline knows:
//   - cohort-relative grading from the history in the database: 25 clean CT
//     series of one site + scanner model + protocol, then (next run) one
//     noisier series that the absolute threshold passes and the cohort's
//     robust z fails; a group with 5 earlier series stays absolute;
//   - QC on the original pixels: a series whose burned-in text the pixel
//     stage redacts gets the QC values of the same files left unredacted.
// Series: the CT chest phantom of tests/qc (12 slices of 256 x 256),
// written as DICOM with synthetic identifiers only.
#include <doctest/doctest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "tests/e2e/e2e_support.h"
#include "tests/qc/qc_series.h"
#include "tests/support/head_phantom.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

struct Header {
  std::string patient = "QC^COHORT", patient_id = "QC-0001", study_uid, series_uid;
  std::string institution = "Synthetic Hospital North", model = "Phantom CT 64", protocol = "CHEST ROUTINE";
};

void Put(DcmItem* ds, const DcmTagKey& key, const std::string& value) {
  REQUIRE(ds->putAndInsertString(key, value.c_str()).good());
}

// One file per slice, signed 16-bit stored = HU (intercept 0).
void WriteCt(const SeriesVolume& v, const Header& h, const std::string& dir) {
  fs::create_directories(dir);
  const size_t per = v.slice_size();
  for (size_t s = 0; s < v.slices.size(); ++s) {
    const SliceGeometry& g = v.slices[s];
    DcmFileFormat ff;
    DcmDataset* ds = ff.getDataset();
    Put(ds, DCM_SOPClassUID, UID_CTImageStorage);
    Put(ds, DCM_SOPInstanceUID, h.series_uid + "." + std::to_string(s + 1));
    Put(ds, DCM_StudyInstanceUID, h.study_uid);
    Put(ds, DCM_SeriesInstanceUID, h.series_uid);
    Put(ds, DCM_FrameOfReferenceUID, h.study_uid + ".9");
    Put(ds, DCM_Modality, "CT");
    Put(ds, DCM_PatientName, h.patient);
    Put(ds, DCM_PatientID, h.patient_id);
    Put(ds, DCM_InstitutionName, h.institution);
    Put(ds, DCM_Manufacturer, "Synthetic");
    Put(ds, DCM_ManufacturerModelName, h.model);
    Put(ds, DCM_ProtocolName, h.protocol);
    Put(ds, DCM_BodyPartExamined, "CHEST");
    Put(ds, DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
    Put(ds, DCM_InstanceNumber, std::to_string(s + 1));
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.4f\\%.4f\\%.4f", (*g.position)[0], (*g.position)[1], (*g.position)[2]);
    Put(ds, DCM_ImagePositionPatient, buf);
    Put(ds, DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
    std::snprintf(buf, sizeof buf, "%.4f\\%.4f", (*g.pixel_spacing)[0], (*g.pixel_spacing)[1]);
    Put(ds, DCM_PixelSpacing, buf);
    Put(ds, DCM_SliceThickness, "5");
    Put(ds, DCM_SamplesPerPixel, "1");
    Put(ds, DCM_PhotometricInterpretation, "MONOCHROME2");
    Put(ds, DCM_Rows, std::to_string(v.rows));
    Put(ds, DCM_Columns, std::to_string(v.columns));
    Put(ds, DCM_BitsAllocated, "16");
    Put(ds, DCM_BitsStored, "16");
    Put(ds, DCM_HighBit, "15");
    Put(ds, DCM_PixelRepresentation, "1");
    Put(ds, DCM_RescaleIntercept, "0");
    Put(ds, DCM_RescaleSlope, "1");
    REQUIRE(ds->putAndInsertSint16(DCM_PixelPaddingValue, -3024).good());
    std::vector<Sint16> px(per);
    for (size_t i = 0; i < per; ++i) px[i] = static_cast<Sint16>(std::lround(std::clamp(v.voxels[s * per + i], -3024.0f, 3071.0f)));
    REQUIRE(ds->putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(px.data()), static_cast<unsigned long>(per)).good());
    REQUIRE(ff.saveFile((dir + "/IM" + std::to_string(1000 + s)).c_str(), EXS_LittleEndianExplicit).good());
  }
}

// The chest phantom, 12 slices, its noise raised to `sigma` HU (from 12).
SeriesVolume Chest(double sigma, uint32_t seed) {
  SeriesVolume v = CtBodyPhantom(170, seed);
  RemoveSlices(v, 12, v.slices.size() - 12);
  std::mt19937 rng(seed * 7 + 1);
  std::normal_distribution<float> extra(0.0f, static_cast<float>(std::sqrt(std::max(0.0, sigma * sigma - 144.0))));
  for (float& x : v.voxels)
    if (x > -1500) x += extra(rng);
  return v;
}

// A profile with a qc: section; `pixels` is its pixels: section (none:
// pixels are neither cleaned nor screened).
std::string WriteProfile(const std::string& path, const std::string& pixels = "") {
  std::ofstream(path) << "name: qc-test\nbase: ps3.15\noptions:\n  clean_pixel_data: " << (pixels.empty() ? "false" : "true")
                      << "\n" << (pixels.empty() ? "pixels:\n  screen: off\n" : pixels) << "qc:\n  on_fail: flag\n";
  return path;
}

nlohmann::json QcReport(const GateRun& r) {
  REQUIRE(r.summary.is_object());
  return nlohmann::json::parse(ReadText(r.summary["qc_report"].get<std::string>()));
}

const nlohmann::json& Check(const nlohmann::json& series, const std::string& name) {
  for (const auto& c : series["checks"])
    if (c["name"] == name) return c;
  FAIL("no check " << name);
  static nlohmann::json none;
  return none;
}

}  // namespace

TEST_CASE("cohort z from the database: 25 clean series of a group, then a noisier one flagged; a small group stays absolute") {
  TempDir t;
  const std::string profile = WriteProfile(t.File("qc.yaml"));
  // Run 1: 25 series of group A (noise 11.5..13.5 HU), 5 of group B.
  for (int i = 0; i < 30; ++i) {
    Header h;
    h.patient_id = "QC-" + std::to_string(i);
    h.study_uid = "1.2.826.0.1.3680043.10.1267.70." + std::to_string(i);
    h.series_uid = h.study_uid + ".1";
    if (i >= 25) h.institution = "Synthetic Hospital South";
    WriteCt(Chest(11.5 + 0.08 * (i % 25), 100 + i), h, t.File("in1/S" + std::to_string(i)));
  }
  GateRun first = RunGate(t.File("in1"), t.File("out"), t.File("work"), profile);
  INFO(first.cmd.err);
  REQUIRE(first.cmd.exit_code == 0);
  const nlohmann::json q1 = QcReport(first);
  REQUIRE(q1["series"].size() == 30);
  for (const auto& s : q1["series"]) {
    CHECK(s["verdict"] == "pass");
    CHECK(Check(s, "ct_noise")["basis"] == "absolute");  // no history yet
  }

  // Run 2: one noisier series of each group (24 HU: under the absolute 35).
  for (int g = 0; g < 2; ++g) {
    Header h;
    h.patient_id = "QC-NOISY-" + std::to_string(g);
    h.study_uid = "1.2.826.0.1.3680043.10.1267.71." + std::to_string(g);
    h.series_uid = h.study_uid + ".1";
    if (g == 1) h.institution = "Synthetic Hospital South";
    WriteCt(Chest(24, 200 + g), h, t.File("in2/N" + std::to_string(g)));
  }
  GateRun second = RunGate(t.File("in2"), t.File("out2"), t.File("work"), profile);
  INFO(second.cmd.err);
  REQUIRE(second.cmd.exit_code == 0);
  const nlohmann::json q2 = QcReport(second);
  REQUIRE(q2["series"].size() == 2);
  std::map<std::string, nlohmann::json> by_basis;
  for (const auto& s : q2["series"]) by_basis[Check(s, "ct_noise")["basis"].get<std::string>()] = s;
  REQUIRE(by_basis.count("cohort z, n=25") == 1);
  REQUIRE(by_basis.count("absolute") == 1);
  const nlohmann::json& a = by_basis["cohort z, n=25"];
  const nlohmann::json& na = Check(a, "ct_noise");
  CHECK(na["value"].get<double>() < 35);  // the absolute guard alone would pass it
  CHECK(na["verdict"] == "fail");
  CHECK(na["z"].get<double>() >= 5);
  CHECK(na["cohort_n"] == 25);
  CHECK(a["flags"] == nlohmann::json::array({"high_noise"}));
  // Group B: 5 earlier series, under the 20 needed: absolute, passes.
  const nlohmann::json& b = by_basis["absolute"];
  CHECK(Check(b, "ct_noise")["verdict"] == "pass");
  CHECK(Check(b, "ct_noise")["cohort_n"] == 5);
  CHECK(b["flags"].empty());
  // No clear text of the group anywhere in the database: only its HMAC.
  const std::string db = ReadText(t.File("work/rwdgate.db"));
  for (const char* clear : {"Synthetic Hospital", "Phantom CT 64", "CHEST ROUTINE"}) CHECK(db.find(clear) == std::string::npos);
}

TEST_CASE("QC runs on the original pixels: a redacted burned-in box does not change any QC value") {
  TempDir t;
  SeriesVolume v = Chest(12, 300);
  // Burned-in text across the body on every slice (1000 HU strokes).
  for (size_t s = 0; s < v.slices.size(); ++s) {
    cv::Mat m(v.rows, v.columns, CV_32F, v.voxels.data() + s * v.slice_size());
    cv::putText(m, "QC COHORT 4711", cv::Point(60, 120), cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(1000), 2);
  }
  Header h;
  h.study_uid = "1.2.826.0.1.3680043.10.1267.72";
  h.series_uid = h.study_uid + ".1";
  WriteCt(v, h, t.File("in/S"));
  const std::string redact =
      WriteProfile(t.File("redact.yaml"), "pixels:\n  burned_in: redact-all-text\n  unsure: redact\n");
  const std::string keep = WriteProfile(t.File("keep.yaml"));
  GateRun a = RunGate(t.File("in"), t.File("out-a"), t.File("work-a"), redact);
  INFO(a.cmd.err);
  REQUIRE(a.cmd.exit_code == 0);
  GateRun b = RunGate(t.File("in"), t.File("out-b"), t.File("work-b"), keep);
  REQUIRE(b.cmd.exit_code == 0);
  REQUIRE(a.summary["released"] == 12);
  REQUIRE(b.summary["released"] == 12);
  // The released pixels of run a are redacted (boxes filled), run b's are not.
  const auto released_a = ListReleased(t.File("out-a")), released_b = ListReleased(t.File("out-b"));
  std::vector<std::vector<uint8_t>> bytes_a, bytes_b;
  for (const auto& f : released_a) bytes_a.push_back(ReadBytes(f));
  for (const auto& f : released_b) bytes_b.push_back(ReadBytes(f));
  const ReadBack ra = ReadFiles(bytes_a), rb = ReadFiles(bytes_b);
  size_t filled = 0;
  for (float x : ra.value) filled += x <= -3000;
  size_t padding_b = 0;
  for (float x : rb.value) padding_b += x <= -3000;
  REQUIRE(filled > padding_b + 1000);  // boxes were filled with the frame's darkest value
  const nlohmann::json qa = QcReport(a)["series"][0], qb = QcReport(b)["series"][0];
  CHECK(qa["verdict"] == qb["verdict"]);
  CHECK(qa["flags"] == qb["flags"]);
  REQUIRE(qa["checks"].size() == qb["checks"].size());
  for (size_t i = 0; i < qa["checks"].size(); ++i) {
    INFO(qa["checks"][i]["name"]);
    CHECK(qa["checks"][i]["value"] == qb["checks"][i]["value"]);
    CHECK(qa["checks"][i]["verdict"] == qb["checks"][i]["verdict"]);
  }
  // The redacted files themselves would have read differently: the boxes
  // are padding inside the reconstruction circle.
  fs::create_directories(t.File("in-c/S"));
  for (size_t i = 0; i < released_a.size(); ++i) fs::copy_file(released_a[i], t.File("in-c/S/R" + std::to_string(i)));
  GateRun c = RunGate(t.File("in-c"), t.File("out-c"), t.File("work-c"), keep);
  REQUIRE(c.cmd.exit_code == 0);
  const nlohmann::json qc = QcReport(c)["series"][0];
  CHECK(Check(qc, "padding")["value"].get<double>() > Check(qb, "padding")["value"].get<double>());
}
