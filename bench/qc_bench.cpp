// QC of one 500-slice 512 x 512 CT after decode (issue 9: <= 1 s on 2
// cores). Builds a synthetic chest CT in memory (body, fat, lungs, spine,
// reconstruction circle, Gaussian noise), then times RunQc, best and median
// of the repetitions. Usage: qc_bench [slices] [repetitions] [threads]
// [ct|head|mr] (threads: OpenCV's pool size, default 2; head: the same CT
// labelled BodyPartExamined HEAD, which adds the head-protocol passes; mr:
// a 256 x 256 3-D T1-like head, `slices` sagittal slices; metal: the CT
// with a streaking metal rod through 40 slices).
#include <opencv2/core.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "qc/checks.h"
#include "qc/run_qc.h"

namespace {

rwd::SeriesVolume SyntheticChest(int slices) {
  rwd::SeriesVolume v;
  v.facts.modality = "CT";
  v.facts.body_part = "CHEST";
  v.facts.pixel_padding_value = -3024;
  v.rows = v.columns = 512;
  const double px = 0.8, c0 = 255.5;
  // One slice of anatomy, two variants (with and without lungs), noise added per slice.
  std::vector<float> base[2];
  for (int lungs = 0; lungs < 2; ++lungs) {
    base[lungs].resize(512 * 512);
    for (int r = 0; r < 512; ++r)
      for (int c = 0; c < 512; ++c) {
        const double x = (c - c0) * px, y = (r - c0) * px;
        auto in = [&](double cx, double cy, double a, double b) {
          const double u = (x - cx) / a, w = (y - cy) / b;
          return u * u + w * w <= 1;
        };
        float hu = -1000;
        if (std::hypot(r - c0, c - c0) > 256) hu = -3024;
        else if (in(0, 0, 170, 120)) {
          hu = -100;
          if (in(0, 0, 155, 105)) hu = 50;
          if (lungs && (in(-70, -10, 50, 70) || in(70, -10, 50, 70))) hu = -850;
          if (in(0, 70, 18, 18)) hu = 600;
        }
        base[lungs][static_cast<size_t>(r) * 512 + c] = hu;
      }
  }
  std::mt19937 rng(1);
  std::normal_distribution<float> gauss(0.0f, 12.0f);
  std::vector<float> noise(1 << 20);
  for (float& n : noise) n = gauss(rng);
  v.voxels.resize(static_cast<size_t>(slices) * 512 * 512);
  for (int s = 0; s < slices; ++s) {
    rwd::SliceGeometry g;
    g.instance_number = s + 1;
    g.position = rwd::Vec3{-c0 * px, -c0 * px, 1.25 * s};
    g.orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
    g.pixel_spacing = std::array<double, 2>{px, px};
    g.slice_thickness = 1.25;
    g.rows = g.columns = 512;
    g.bits_stored = 12;
    g.frame_of_reference_uid = "2.25.1";
    g.image_type = "ORIGINAL\\PRIMARY\\AXIAL";
    v.slices.push_back(g);
    const std::vector<float>& b = base[s >= slices / 3];
    const size_t offset = (static_cast<size_t>(s) * 7919) % (noise.size() - 512 * 512);
    float* out = v.voxels.data() + static_cast<size_t>(s) * 512 * 512;
    for (size_t i = 0; i < b.size(); ++i) out[i] = b[i] <= -3000 ? b[i] : b[i] + noise[offset + i];
  }
  return v;
}

// A 3-D T1-like head: 256 x 256 sagittal slices at 1 mm, an ellipsoid
// head (scalp, grey and white matter), Rician noise sigma 20 on ~1000.
rwd::SeriesVolume SyntheticMrHead(int slices) {
  rwd::SeriesVolume v;
  v.facts.modality = "MR";
  v.facts.body_part = "HEAD";
  v.facts.phase_encoding_direction = "ROW";
  v.rows = v.columns = 256;
  std::mt19937 rng(2);
  std::normal_distribution<float> gauss(0.0f, 20.0f);
  std::vector<float> noise(1 << 20);
  for (float& n : noise) n = gauss(rng);
  v.voxels.resize(static_cast<size_t>(slices) * 256 * 256);
  for (int s = 0; s < slices; ++s) {
    rwd::SliceGeometry g;
    g.instance_number = s + 1;
    g.position = rwd::Vec3{s - slices / 2.0, -128, 128};
    g.orientation = std::array<double, 6>{0, 1, 0, 0, 0, -1};
    g.pixel_spacing = std::array<double, 2>{1, 1};
    g.slice_thickness = 1;
    g.rows = g.columns = 256;
    g.bits_stored = 12;
    g.frame_of_reference_uid = "2.25.1";
    g.image_type = "ORIGINAL\\PRIMARY\\M\\ND";
    v.slices.push_back(g);
    float* out = v.voxels.data() + static_cast<size_t>(s) * 256 * 256;
    const size_t offset = (static_cast<size_t>(s) * 7919) % (noise.size() - 2 * 256 * 256);
    const double x = (s - slices / 2.0) / 75.0;
    for (int r = 0; r < 256; ++r)
      for (int c = 0; c < 256; ++c) {
        const double y = (c - 128) / 95.0, z = (r - 118) / 105.0, rho = std::sqrt(x * x + y * y + z * z);
        const float signal = rho > 1 ? 0 : rho > 0.93 ? 900 : rho > 0.6 ? 550 : 800;
        const size_t i = static_cast<size_t>(r) * 256 + c;
        const float a = signal + noise[offset + i], b = noise[offset + 256 * 256 + i];
        out[i] = std::sqrt(a * a + b * b);
      }
  }
  return v;
}

// A 6 mm metal rod (3071 HU) through `slices` slices of the middle of a CT,
// with 12 streaks: the metal check's streak measure runs on each of them.
void AddMetal(rwd::SeriesVolume& v, int slices) {
  const size_t first = v.slices.size() / 2 - slices / 2;
  for (size_t s = first; s < first + static_cast<size_t>(slices) && s < v.slices.size(); ++s) {
    float* out = v.voxels.data() + s * v.slice_size();
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < v.columns; ++c) {
        const double dy = (r - 200) * 0.8, dx = (c - 255.5) * 0.8, d = std::hypot(dx, dy);
        float& x = out[static_cast<size_t>(r) * v.columns + c];
        if (x < -500) continue;
        if (d <= 6) x = 3071;
        else if (std::abs(std::cos(6 * std::atan2(dy, dx))) > 0.97) x += static_cast<float>(-200 * std::exp(-d / 60));
      }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int slices = argc > 1 ? std::atoi(argv[1]) : 500;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 2;
  const std::string kind = argc > 4 ? argv[4] : "ct";  // ct | head (the CT labelled HEAD) | metal | mr
  cv::setNumThreads(threads);
  rwd::SeriesVolume v = kind == "mr" ? SyntheticMrHead(slices) : SyntheticChest(slices);
  if (kind == "head") v.facts.body_part = "HEAD";
  if (kind == "metal") AddMetal(v, 40);
  std::printf("%s: %d slices of %dx%d (%.0f MB of float voxels)\n", kind.c_str(), slices, v.rows, v.columns,
              v.voxels.size() * 4 / 1e6);
  const rwd::rules::QcConfig config;
  std::vector<double> seconds, cpu;
  rwd::qc::SeriesQc q;
  for (int i = 0; i < reps + 1; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    q = rwd::qc::RunQc(v, config, nullptr);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (i > 0) {  // the first run warms caches and the thread pool
      seconds.push_back(s);
      cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    }
  }
  std::sort(seconds.begin(), seconds.end());
  std::sort(cpu.begin(), cpu.end());
  // CPU seconds (all threads) say what the machine's load hides in wall time.
  std::printf("RunQc, %d threads, %d repetitions: best %.3f s, median %.3f s wall; median %.3f CPU s; verdict %s, %zu flags\n",
              threads, reps, seconds.front(), seconds[seconds.size() / 2], cpu[cpu.size() / 2],
              rwd::qc::VerdictName(q.verdict), q.flags.size());
  // What the time goes to: each pixel check alone, one run.
  using Fn = rwd::qc::CheckResult (*)(const rwd::SeriesVolume&, const rwd::qc::Thresholds&);
  const std::pair<const char*, Fn> pixel_checks[] = {
      {"fov_truncation", rwd::qc::CheckFovTruncation}, {"motion", rwd::qc::CheckMotion},
      {"hu_air", rwd::qc::CheckHuAir}, {"hu_fat", rwd::qc::CheckHuFat},
      {"ct_noise", rwd::qc::CheckCtNoise}, {"metal", rwd::qc::CheckMetal},
      {"ring", rwd::qc::CheckRing}, {"padding", rwd::qc::CheckPadding},
      {"z_coverage", rwd::qc::CheckZCoverage}, {"snr", rwd::qc::CheckSnr},
      {"ghosting", rwd::qc::CheckGhosting}, {"inu", rwd::qc::CheckInu}, {"efc", rwd::qc::CheckEfc},
      {"fber", rwd::qc::CheckFber}, {"cjv", rwd::qc::CheckCjv}};
  for (const auto& [name, fn] : pixel_checks) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    const rwd::qc::CheckResult c = fn(v, config.ThresholdsFor(name));
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    std::printf("  %-16s %6.3f s wall %6.3f CPU s  %-4s %s\n", name, s, cpu_s, rwd::qc::VerdictName(c.verdict),
                c.value ? std::to_string(*c.value).c_str() : "-");
  }
  return 0;
}
