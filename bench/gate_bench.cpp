// gate_bench [N] [REPS]: the residual-PHI gate's cost per CT slice against the
// header-only path it is added to. N synthetic CT slices (512x512, 16-bit,
// ~0.5 MB, rwd_fixtures bench mode) are read into memory once; then, per
// slice and repetition, in one thread:
//   header-only path: SHA-256 of the input, header-only parse (pixel data
//     deferred), de-identification (profiles/basic.yaml), serialisation,
//     SHA-256 of the output (what ingest, identify, de-identify and release
//     do, without the file write, which only makes the gate relatively cheaper);
//   gate: CollectIdentifiers on the parsed original (before de-identification,
//     as the pipeline calls it) + Scan of the released bytes (header-only parse).
// Prints the median per-slice time of each and the gate's share. With
// --ocr it also times one OCR re-check of a slice (whole frame + bands);
// with --phi the headers carry the synthetic export's PHI everywhere
// (nested sequences, private blocks) instead of bench mode's minimal set.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "anonymizer/header_deidentifier.h"
#include "anonymizer/pixel/tesseract_text_reader.h"
#include "core/crypto.h"
#include "gateway/gate/residual_phi_gate.h"
#include "rules/profile_loader.h"
#include "tests/fixtures/synthetic_export.h"

namespace fs = std::filesystem;
using namespace rwd;
using Clock = std::chrono::steady_clock;

namespace {
std::vector<uint8_t> Read(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
double Ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }
double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  int n = 200, reps = 5;
  bool ocr = false, full_phi = false;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--ocr") ocr = true;
    else if (a == "--phi") full_phi = true;
    else pos.push_back(a);
  }
  if (pos.size() > 0) n = std::stoi(pos[0]);
  if (pos.size() > 1) reps = std::stoi(pos[1]);

  const fs::path dir = fs::temp_directory_path() / ("rwd_gate_bench_" + std::to_string(::getpid()));
  fixtures::ExportOptions opt;
  opt.patients = 1;
  opt.ct_slices = n;
  opt.mr_slices = 0;
  opt.rows = opt.cols = 512;
  opt.with_bad_files = false;
  opt.bench_mode = !full_phi;  // --phi: PHI tokens everywhere (nested sequences, private blocks)
  auto manifest = fixtures::WriteSyntheticExport(dir.string(), opt);
  std::vector<std::vector<uint8_t>> files;
  for (const auto& f : manifest.dicom_files) files.push_back(Read((dir / f).string()));
  fs::remove_all(dir);

  auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/basic.yaml");
  if (!profile.ok()) return std::fprintf(stderr, "%s\n", profile.status().message().c_str()), 1;
  anon::KeyedIds ids(std::vector<uint8_t>(32, 3));
  anon::HeaderDeidentifier deid(*profile, ids);
  const gateway::gate::GateOptions gate_options = gateway::gate::GateOptionsFor(*profile);

  std::vector<double> path_ms, collect_ms, scan_ms, parse_ms, head_ms;
  size_t hits = 0;
  std::vector<uint8_t> released;
  for (int r = 0; r < reps; ++r)
    for (const auto& bytes : files) {
      const auto t0 = Clock::now();
      const std::string sha_in = Sha256Hex(bytes);
      ParseOptions po;
      po.defer_pixel_data = true;
      auto f = DicomFile::Parse(bytes, po);
      const auto t1 = Clock::now();
      gateway::gate::OriginalIdentifiers oi = gateway::gate::CollectIdentifiers(*f);
      const auto t2 = Clock::now();
      auto h = deid.Apply(*f);
      auto parts = f->SerializeParts();
      Sha256 sha;
      sha.Update(parts->head);
      sha.Update(parts->tail);
      const std::string sha_out = ToHex(sha.Finish());
      const auto t3 = Clock::now();
      if (!h.ok() || !parts.ok() || sha_in == sha_out) return std::fprintf(stderr, "de-identification failed\n"), 1;
      released.assign(parts->head.begin(), parts->head.end());  // the staged file, read back whole
      released.insert(released.end(), parts->tail.begin(), parts->tail.end());
      const auto t4 = Clock::now();
      auto g = gateway::gate::Scan(oi, released, gate_options);
      const auto t5 = Clock::now();
      // What the gate stage scans on the fast path: the head alone (the
      // Pixel Data bytes are the original's, untouched).
      auto g_head = gateway::gate::Scan(oi, parts->head, gate_options);
      head_ms.push_back(Ms(t5, Clock::now()));
      if (g_head.passed() != g.passed()) return std::fprintf(stderr, "head-only scan differs\n"), 1;
      const auto t6 = Clock::now();
      {
        ParseOptions defer;
        defer.defer_pixel_data = true;
        auto again = DicomFile::Parse(released, defer);
        parse_ms.push_back(Ms(t6, Clock::now()));
      }
      hits += !g.passed();
      path_ms.push_back(Ms(t0, t1) + Ms(t2, t3));
      collect_ms.push_back(Ms(t1, t2));
      scan_ms.push_back(Ms(t4, t5));
    }
  const double p = Median(path_ms), c = Median(collect_ms), s = Median(scan_ms);
  std::printf("gate_bench: %d CT slices 512x512 x %d reps, one thread, profile basic, %s\n", n, reps,
              full_phi ? "PHI in every attribute (--phi)" : "bench-mode headers");
  std::printf("  header-only path   %7.3f ms/slice (median)\n", p);
  std::printf("  gate collect       %7.3f ms/slice\n", c);
  std::printf("  gate scan          %7.3f ms/slice (of which the header-only parse %.3f)\n", s, Median(parse_ms));
  std::printf("  gate scan, head    %7.3f ms/slice (what the gate stage scans on the fast path)\n", Median(head_ms));
  std::printf("  gate / path        %6.1f %%   (objects the gate quarantined: %zu, expected 0)\n", 100.0 * (c + s) / p,
              hits);
  if (ocr) {
    auto reader = anon::pixel::TesseractTextReader::Create();
    if (!reader.ok()) return std::fprintf(stderr, "%s\n", reader.status().message().c_str()), 1;
    gateway::gate::GateOptions o = gate_options;
    o.ocr_pixels = true;
    o.reader = reader->get();
    auto f = DicomFile::Parse(files[0]);
    const auto oi = gateway::gate::CollectIdentifiers(*f);
    std::vector<double> ms;
    for (int r = 0; r < 3; ++r) {
      const auto t0 = Clock::now();
      auto g = gateway::gate::Scan(oi, released, o);
      ms.push_back(Ms(t0, Clock::now()));
      if (!g.status.ok()) return std::fprintf(stderr, "%s\n", g.status.message().c_str()), 1;
    }
    std::printf("  gate with OCR      %7.1f ms/slice (whole frame + %d-row bands, 2 preprocessings)\n", Median(ms),
                o.ocr_band_rows);
  }
  return hits == 0 ? 0 : 1;
}
