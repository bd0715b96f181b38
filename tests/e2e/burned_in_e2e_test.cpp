// Burned-in text through the rwdgate binary: with pixels.burned_in
// redact-phi an ultrasound image with the patient's name in its pixels is
// released with the name unreadable and marked clean; real images with PHI
// rendered in come out with no token legible and text-free ones with their
// pixels unchanged; pixels that cannot be decoded are quarantined.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgproc.hpp>

#include "anonymizer/pixel/frame_image.h"
#include "core/dicom_file.h"
#include "core/pixel_data.h"
#include "db/provenance_store.h"
#include "tests/anonymizer/pixel/burned_in_corpus.h"
#include "tests/anonymizer/pixel/read_back.h"
#include "tests/core/dicom_test_files.h"
#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

constexpr const char* kProfile =
    "name: pixels-e2e\n"
    "base: ps3.15\n"
    "options: {clean_pixel_data: true}\n"
    "pixels: {burned_in: redact-phi}\n";

struct Row {
  std::string state, reason, output_path;
};

// source path -> what became of it, for the run `r`.
std::map<std::string, Row> Rows(const std::string& work, const GateRun& r) {
  auto store = db::ProvenanceStore::Open(work + "/rwdgate.db");
  REQUIRE(store.ok());
  auto rows = (*store)->ListObjects(r.summary["run_id"].get<int64_t>());
  REQUIRE(rows.ok());
  std::map<std::string, Row> out;
  for (const auto& row : *rows) out[row.source_path] = {row.state, row.reason, row.output_path};
  return out;
}

// (kind, detail) of the pixel stage's findings for a source path.
std::vector<std::pair<std::string, std::string>> PixelFindings(const std::string& db, const std::string& source) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(handle,
                             "SELECT f.kind, f.detail FROM findings f JOIN objects o ON o.id = f.object_id "
                             "WHERE f.stage = 'pixels' AND o.source_path = ?",
                             -1, &st, nullptr) == SQLITE_OK);
  sqlite3_bind_text(st, 1, source.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::pair<std::string, std::string>> out;
  while (sqlite3_step(st) == SQLITE_ROW)
    out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                     sqlite3_column_text(st, 1) ? reinterpret_cast<const char*>(sqlite3_column_text(st, 1)) : "");
  sqlite3_finalize(st);
  sqlite3_close(handle);
  return out;
}

bool HasCleanPixelCode(DicomItem ds) {
  const auto codes = SequenceValues(ds, {0x0012, 0x0064}, {0x0008, 0x0100});
  return std::find(codes.begin(), codes.end(), "113101") != codes.end();
}

}  // namespace

TEST_CASE("an ultrasound image with the name burned in is released with the name gone, and marked clean") {
  TempDir t;
  fixtures::ExportOptions options;
  options.patients = 2;
  options.with_ultrasound = true;
  const fixtures::ExportManifest manifest = fixtures::WriteSyntheticExport(t.File("in"), options);
  WriteText(t.File("pixels.yaml"), kProfile);
  GateRun r = RunGate(t.File("in"), t.File("out"), t.File("work"), t.File("pixels.yaml"));
  REQUIRE_MESSAGE(r.cmd.exit_code == 0, r.cmd.err);
  CHECK(r.summary["quarantined"].get<int>() == 0);
  const auto rows = Rows(t.File("work"), r);
  REQUIRE_FALSE(manifest.burned_in_text.empty());
  corpus::ReadBack attacker;
  for (const fixtures::BurnedInText& text : manifest.burned_in_text) {
    CAPTURE(text.file);
    const Row& row = rows.at(text.file);
    REQUIRE_MESSAGE(row.state == "released", row.reason);
    auto out = DicomFile::Parse(ReadBytes(row.output_path));
    REQUIRE(out.ok());
    CHECK(out->dataset().GetString({0x0028, 0x0301}) == "NO");
    CHECK(HasCleanPixelCode(out->dataset()));
    const PixelData pixels = DecodeFile(row.output_path);
    const cv::Mat display = anon::pixel::DisplayImage(pixels, 0);
    for (const std::string& line : text.lines) {
      corpus::Token token;
      token.text = line;
      token.box = cv::Rect(text.x, text.y, text.width, text.height);
      CHECK_MESSAGE(!attacker.Readable(display, token), "a burned-in line is still legible");
    }
    // What was redacted is recorded, never what it said.
    const auto findings = PixelFindings(t.File("work/rwdgate.db"), text.file);
    int redacted = 0;
    for (const auto& [kind, detail] : findings) {
      redacted += kind == "text_region" && detail.find("\"redacted\"") != std::string::npos;
      for (const std::string& token : manifest.phi_tokens) CHECK(detail.find(token) == std::string::npos);
    }
    CHECK(redacted >= 1);
  }
  // The CT and MR images of the export carry no text: released, pixels as they were.
  int untouched = 0;
  for (const std::string& file : manifest.dicom_files) {
    if (rows.at(file).state != "released" ||
        std::any_of(manifest.burned_in_text.begin(), manifest.burned_in_text.end(),
                    [&](const fixtures::BurnedInText& b) { return b.file == file; }))
      continue;
    const PixelData in = DecodeFile(t.File("in/" + file)), out = DecodeFile(rows.at(file).output_path);
    CHECK(std::equal(in.frame(0).begin(), in.frame(0).end(), out.frame(0).begin()));
    ++untouched;
  }
  CHECK(untouched > 10);
}

TEST_CASE("real images with PHI burned in: nothing legible comes out, text-free pixels are unchanged") {
  TempDir t;
  corpus::Options options;
  options.small = true;
  const std::vector<corpus::Image> images = corpus::Write(t.File("in"), options);
  WriteText(t.File("pixels.yaml"), kProfile);
  GateRun r = RunGate(t.File("in"), t.File("out"), t.File("work"), t.File("pixels.yaml"));
  REQUIRE_MESSAGE(r.cmd.exit_code == 0, r.cmd.err);
  const auto rows = Rows(t.File("work"), r);
  corpus::ReadBack attacker;
  int tokens = 0, read = 0;
  for (const corpus::Image& im : images) {
    CAPTURE(im.file);
    CAPTURE(im.style);
    const Row& row = rows.at(im.file);
    REQUIRE_MESSAGE(row.state == "released", row.reason);
    const PixelData in = DecodeFile(t.File("in/" + im.file)), out = DecodeFile(row.output_path);
    if (!im.has_text) {
      for (int f = 0; f < in.frames(); ++f)
        CHECK_MESSAGE(std::equal(in.frame(f).begin(), in.frame(f).end(), out.frame(f).begin()),
                      "a text-free image was changed");
      continue;
    }
    const cv::Mat display = anon::pixel::DisplayImage(out, 0);
    for (const corpus::Token& token : im.tokens) {
      if (!token.phi) continue;
      ++tokens;
      const bool legible = attacker.Readable(display, token);
      read += legible;
      CHECK_MESSAGE(!legible, token.kind, " legible after rwdgate");
    }
  }
  MESSAGE("rwdgate redact-phi: ", tokens - read, " of ", tokens, " PHI tokens unreadable");
  CHECK(tokens >= 40);
}

TEST_CASE("pixels that cannot be decoded are quarantined with the reason, never released") {
  TempDir t;
  fs::create_directories(t.File("in"));
  // A JPEG 2000 codestream cut short, and RLE fragments presented as MPEG-2.
  fs::copy_file(Pydicom("JPEG2000-embedded-sequence-delimiter.dcm"), t.File("in/j2k.dcm"));
  const std::vector<uint8_t> bytes =
      WithTransferSyntax(ReadBytes(Pydicom("MR_small_RLE.dcm")), "1.2.840.10008.1.2.4.100");
  std::ofstream(t.File("in/mpeg.dcm"), std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  WriteText(t.File("pixels.yaml"), kProfile);
  GateRun r = RunGate(t.File("in"), t.File("out"), t.File("work"), t.File("pixels.yaml"));
  REQUIRE_MESSAGE(r.cmd.exit_code == 0, r.cmd.err);
  const auto rows = Rows(t.File("work"), r);
  for (const char* file : {"j2k.dcm", "mpeg.dcm"}) {
    CAPTURE(file);
    CHECK(rows.at(file).state == "quarantined");
    CHECK(rows.at(file).reason.find("pixels not cleaned") != std::string::npos);
  }
  CHECK(rows.at("mpeg.dcm").reason.find("MPEG2") != std::string::npos);
  CHECK(r.summary["released"].get<int>() == 0);
}
