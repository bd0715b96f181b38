// screen_bench [N] [REPS]: what pixel screening (basic.yaml, pixels.screen:
// on) costs per CT slice, and where. N synthetic CT slices (512x512, 16-bit,
// rwd_fixtures bench mode) are read into memory once; then per slice, in one
// thread, timed by the thread's CPU clock (steadier than wall time on a
// machine others share):
//   parse      the header-only parse identify does anyway (pixels deferred)
//   decode     PixelData::DecodeView of the deferred pixel bytes (in place)
//   display    DisplayImage (16-bit -> 8-bit window)
//   detect     MorphologyTextDetector::Detect on the display image
//   screen     PixelScreener::Screen on the deferred file (decode + display +
//              detect + anatomy checks): what the pipeline pays now
//   old screen a whole second parse of the original + Screen on it (what the
//              pipeline paid before decoding from the deferred bytes)
// Prints the median of each in ms per slice, and the slices/s two workers
// would screen at (2 / median screen) on top of the header path.
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "anonymizer/pixel/frame_image.h"
#include "anonymizer/pixel/morphology_text_detector.h"
#include "anonymizer/pixel/pixel_screener.h"
#include "core/pixel_data.h"
#include "tests/fixtures/synthetic_export.h"

namespace fs = std::filesystem;
using namespace rwd;

namespace {
std::vector<uint8_t> Read(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
double CpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}
double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
double Min(const std::vector<double>& v) { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }
// "median (min)": the minimum is what the step costs undisturbed.
std::string Both(const std::vector<double>& v) {
  char b[64];
  std::snprintf(b, sizeof b, "%7.3f (%.3f)", Median(v), Min(v));
  return b;
}
}  // namespace

int main(int argc, char** argv) {
  mallopt(M_MMAP_THRESHOLD, 8 << 20);  // as rwdgate's main: frame buffers stay on the heap
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  const int n = argc > 1 ? std::stoi(argv[1]) : 200;
  const int reps = argc > 2 ? std::stoi(argv[2]) : 3;
  const fs::path dir = fs::temp_directory_path() / ("rwd_screen_bench_" + std::to_string(::getpid()));
  fixtures::ExportOptions opt;
  opt.patients = 1;
  opt.ct_slices = n;
  opt.mr_slices = 0;
  opt.rows = opt.cols = 512;
  opt.with_bad_files = false;
  opt.bench_mode = true;
  auto manifest = fixtures::WriteSyntheticExport(dir.string(), opt);
  std::vector<std::vector<uint8_t>> files;
  for (const auto& f : manifest.dicom_files) files.push_back(Read((dir / f).string()));
  fs::remove_all(dir);

  const anon::pixel::PixelScreener screener;
  const anon::pixel::MorphologyTextDetector detector;
  const anon::pixel::HeaderValue header = [](Tag t) -> std::optional<std::string> {
    if (t == Tag{0x0008, 0x0060}) return std::string("CT");
    return std::nullopt;
  };
  std::vector<double> parse, decode, display, detect, screen, old_screen;
  int with_text = 0;
  ParseOptions deferred;
  deferred.defer_pixel_data = true;
  for (int r = 0; r < reps; ++r)
    for (const auto& bytes : files) {
      double t = CpuMs();
      auto f = DicomFile::Parse(bytes, deferred);
      if (!f.ok() || !f->pixel_data_deferred()) return std::fprintf(stderr, "not on the fast path\n"), 1;
      parse.push_back(CpuMs() - t);
      t = CpuMs();
      auto px = PixelData::DecodeView(*f);
      if (!px.ok()) return std::fprintf(stderr, "%s\n", px.status().message().c_str()), 1;
      decode.push_back(CpuMs() - t);
      t = CpuMs();
      const cv::Mat image = anon::pixel::DisplayImage(*px, 0);
      display.push_back(CpuMs() - t);
      t = CpuMs();
      with_text += !detector.Detect(image).empty();
      detect.push_back(CpuMs() - t);
      t = CpuMs();
      auto s = screener.Screen(*f, header);
      screen.push_back(CpuMs() - t);
      t = CpuMs();
      auto whole = DicomFile::Parse(bytes);
      auto s_old = screener.Screen(*whole, header);
      old_screen.push_back(CpuMs() - t);
      if (!s.ok() || !s_old.ok() || s->text_found() != s_old->text_found())
        return std::fprintf(stderr, "screening differs between the two paths\n"), 1;
    }
  std::printf("screen_bench: %d CT slices 512x512 x %d reps, one thread, thread CPU time, median (min) ms/slice\n", n, reps);
  std::printf("  header-only parse   %s\n", Both(parse).c_str());
  std::printf("  decode (deferred)   %s\n", Both(decode).c_str());
  std::printf("  display image       %s\n", Both(display).c_str());
  std::printf("  detect              %s   (slices with candidates: %d)\n", Both(detect).c_str(), with_text / reps);
  std::printf("  screen (now)        %s   -> %.0f slices/s on 2 workers, screening alone\n", Both(screen).c_str(),
              2000.0 / Median(screen));
  std::printf("  old: parse + screen %s\n", Both(old_screen).c_str());
  return 0;
}
