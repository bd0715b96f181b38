#pragma once
// Orthographic depth maps of the head surface (the iso-surface at `level`)
// rendered from the working grid: what a face-recognition system would be
// shown. Used by the verification gate (surface residual in the face zone)
// and for the cohort report (PNG, anonymizer/image_encoding).
#include <cstdint>
#include <vector>

#include "anonymizer/deface/work_grid.h"

namespace rwd::deface {

// Looking at the face from the front (along +y, LPS), the head turned by
// `yaw_deg` about the vertical axis and tilted by `pitch_deg` about the
// left-right axis, around the view's centre.
struct View {
  double yaw_deg = 0, pitch_deg = 0;
};

struct DepthMap {
  int width = 0, height = 0;
  double pixel_mm = 1;
  std::vector<float> depth;  // mm along the ray from its start; < 0: no surface hit
  std::vector<Vec3> hit;     // the surface point of each pixel (valid when depth >= 0)
  float at(int u, int v) const { return depth[static_cast<size_t>(v) * width + u]; }
};

// The image covers u in [u_min, u_max] (viewer's right = patient's left) and
// v in [v_min, v_max] (up) mm around `center`; rays start 150 mm in front.
DepthMap RenderDepth(const WorkGrid& grid, float level, const Vec3& center, const View& view, double u_min,
                     double u_max, double v_min, double v_max, double pixel_mm);

// A shaded 8-bit PNG of a depth map (near = bright, no hit = black).
std::vector<uint8_t> DepthMapPng(const DepthMap& map);

}  // namespace rwd::deface
