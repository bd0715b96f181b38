#include "anonymizer/deface/face_render.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

#include "anonymizer/image_encoding.h"

namespace rwd::deface {
namespace {

Vec3 Rotate(const Vec3& a, double yaw, double pitch) {
  // pitch about x, then yaw about z.
  const double cp = std::cos(pitch), sp = std::sin(pitch), cy = std::cos(yaw), sy = std::sin(yaw);
  const Vec3 b{a[0], cp * a[1] - sp * a[2], sp * a[1] + cp * a[2]};
  return {cy * b[0] - sy * b[1], sy * b[0] + cy * b[1], b[2]};
}

}  // namespace

DepthMap RenderDepth(const WorkGrid& grid, float level, const Vec3& center, const View& view, double u_min,
                     double u_max, double v_min, double v_max, double pixel_mm) {
  const double yaw = view.yaw_deg * M_PI / 180.0, pitch = view.pitch_deg * M_PI / 180.0;
  const Vec3 d = Rotate({0, 1, 0}, yaw, pitch), U = Rotate({1, 0, 0}, yaw, pitch), V = Rotate({0, 0, 1}, yaw, pitch);
  DepthMap m;
  m.pixel_mm = pixel_mm;
  m.width = static_cast<int>((u_max - u_min) / pixel_mm) + 1;
  m.height = static_cast<int>((v_max - v_min) / pixel_mm) + 1;
  m.depth.assign(static_cast<size_t>(m.width) * m.height, -1.0f);
  m.hit.assign(m.depth.size(), Vec3{});
  constexpr double kStart = 150.0, kLength = 300.0, kStep = 1.0;
  const float outside = -1e30f;
  for (int iv = 0; iv < m.height; ++iv)
    for (int iu = 0; iu < m.width; ++iu) {
      const double u = u_min + iu * pixel_mm, v = v_max - iv * pixel_mm;  // row 0 at the top
      Vec3 p;
      for (int k = 0; k < 3; ++k) p[k] = center[k] + u * U[k] + v * V[k] - kStart * d[k];
      float prev = outside;
      for (double t = 0; t <= kLength; t += kStep) {
        const Vec3 q{p[0] + t * d[0], p[1] + t * d[1], p[2] + t * d[2]};
        const float val = Sample(grid, q, outside);
        if (val >= level) {
          double th = t;
          if (prev > outside && val > prev) th = t - kStep + (level - prev) / (val - prev) * kStep;
          const size_t i = static_cast<size_t>(iv) * m.width + iu;
          m.depth[i] = static_cast<float>(th);
          m.hit[i] = {p[0] + th * d[0], p[1] + th * d[1], p[2] + th * d[2]};
          break;
        }
        prev = val;
      }
    }
  return m;
}

std::vector<uint8_t> DepthMapPng(const DepthMap& m) {
  float lo = 1e30f, hi = -1e30f;
  for (float d : m.depth)
    if (d >= 0) {
      lo = std::min(lo, d);
      hi = std::max(hi, d);
    }
  cv::Mat img(m.height, m.width, CV_8UC1, cv::Scalar(0));
  const float range = hi > lo ? hi - lo : 1.0f;
  for (int v = 0; v < m.height; ++v)
    for (int u = 0; u < m.width; ++u) {
      const float d = m.at(u, v);
      if (d >= 0) img.at<uint8_t>(v, u) = static_cast<uint8_t>(255.0f - 205.0f * (d - lo) / range);
    }
  auto png = anon::EncodePng(img);
  return png.ok() ? std::move(png).value() : std::vector<uint8_t>{};
}

}  // namespace rwd::deface
