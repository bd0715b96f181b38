// Defacing speed (issue 10: <= 2 s per 256^3 MR head, <= 5 s per
// 512x512x300 CT head, one core). Series are made from ch2 by the test
// phantom (tests/support/head_phantom.h), parsed, built into a volume, and
// then timed: BuildSeriesVolume, Deface (detection, cut, apply, gate,
// renderings), WriteBackSlices. Single-threaded by construction.
//
//   build/bench/deface_bench [repetitions]     (default 3; prints the median)
//
// The target is judged on the thread's CPU time (one core), which a busy
// shared machine does not inflate; the wall time is printed beside it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "anonymizer/deface/defacer.h"
#include "core/dicom_file.h"
#include "core/series_volume_builder.h"
#include "tests/support/head_phantom.h"

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
// CPU seconds of this thread: what the work costs when the machine is shared.
double ThreadCpu() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Run(const char* name, const rwd::testing::PhantomSpec& spec, int reps, double target) {
  std::fprintf(stderr, "%s: making the phantom...\n", name);
  const auto phantom = rwd::testing::MakePhantom(spec);
  std::vector<double> build, deface, deface_cpu, write;
  const char* verdict = "";
  double residual = 0, clearance = 0;
  for (int r = 0; r < reps; ++r) {
    std::vector<rwd::DicomFile> files;
    for (const auto& b : phantom.files) files.push_back(std::move(rwd::DicomFile::Parse(b).value()));
    std::vector<rwd::DicomFile*> objects;
    for (auto& f : files) objects.push_back(&f);
    auto t = Clock::now();
    auto volume = rwd::BuildSeriesVolume(objects);
    build.push_back(Since(t));
    if (!volume.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, volume.status().ToString().c_str());
      std::exit(1);
    }
    t = Clock::now();
    const double cpu = ThreadCpu();
    const auto result = rwd::deface::Deface(*volume, {});
    deface.push_back(Since(t));
    deface_cpu.push_back(ThreadCpu() - cpu);
    verdict = rwd::deface::VerdictName(result.verdict);
    residual = result.gate.residual;
    clearance = result.gate.clearance_mm;
    t = Clock::now();
    if (result.verdict == rwd::deface::Verdict::kDefaced &&
        !rwd::WriteBackSlices(*volume, result.changed_slices, objects).ok()) {
      std::fprintf(stderr, "%s: write back failed\n", name);
      std::exit(1);
    }
    write.push_back(Since(t));
  }
  const double d = Median(deface);
  const double c = Median(deface_cpu);
  std::printf("%-28s %4dx%4dx%4d  build %5.2f s  deface %5.2f s wall, %5.2f s cpu (target <= %.0f s: %s)  write back %5.2f s  verdict %s, residual %.1f %%, clearance %.1f mm\n",
              name, spec.columns, spec.rows, spec.slices, Median(build), d, c, target, c <= target ? "met" : "MISSED",
              Median(write), verdict, 100 * residual, clearance);
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  rwd::testing::PhantomSpec mr;  // 256^3 at 0.9 mm
  mr.rows = mr.columns = mr.slices = 256;
  mr.pixel_mm = mr.slice_mm = 0.9;
  Run("MR T1 head (ch2)", mr, reps, 2.0);
  rwd::testing::PhantomSpec ct;  // 512 x 512 x 300, 0.5 mm pixels, 0.7 mm slices
  ct.ct = true;
  ct.rows = ct.columns = 512;
  ct.slices = 300;
  ct.pixel_mm = 0.5;
  ct.slice_mm = 0.7;
  Run("CT head (ch2, HU by tissue)", ct, reps, 5.0);
  return 0;
}
