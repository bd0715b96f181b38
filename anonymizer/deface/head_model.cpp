#include "anonymizer/deface/head_model.h"

#include <algorithm>
#include <cmath>

namespace rwd::deface {
namespace {

Mask Threshold(const WorkGrid& g, float lo, float hi) {
  Mask m(g.values.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = g.in_fov[i] && g.values[i] > lo && g.values[i] < hi;
  return m;
}

void And(Mask* a, const Mask& b) {
  for (size_t i = 0; i < a->size(); ++i) (*a)[i] = (*a)[i] && b[i];
}

double MrThreshold(const WorkGrid& g) {
  Mask positive(g.values.size());
  float hi = 0;
  for (size_t i = 0; i < positive.size(); ++i) hi = std::max(hi, g.in_fov[i] ? g.values[i] : 0.0f);
  for (size_t i = 0; i < positive.size(); ++i) positive[i] = g.in_fov[i] && g.values[i] > 0.02f * hi;
  return 0.5 * OtsuThreshold(g.values, positive);
}

Mask HeadMask(const WorkGrid& g, bool ct, double* threshold) {
  const GridShape& s = g.shape;
  Mask head;
  if (ct) {
    *threshold = -300;
    head = Open(Threshold(g, -300.0f, 1e30f), s, 3.0);
  } else {
    *threshold = MrThreshold(g);
    head = Close(Threshold(g, static_cast<float>(*threshold), 1e30f), s, 4.0);
  }
  head = LargestComponent(head, s);
  FillHoles2D(&head, s, 2);
  FillHoles2D(&head, s, 1);
  return head;
}

Mask BrainCt(const WorkGrid& g, const Mask& envelope) {
  const GridShape& s = g.shape;
  Mask bone = Close(Threshold(g, 250.0f, 1e30f), s, 3.0);
  Mask interior = bone;
  FillHoles2D(&interior, s, 2);
  Mask brain = Threshold(g, -20.0f, 100.0f);
  for (size_t i = 0; i < brain.size(); ++i) brain[i] = brain[i] && interior[i] && !bone[i] && envelope[i];
  brain = LargestComponent(Open(brain, s, 2.0), s);
  FillHoles2D(&brain, s, 2);
  return brain;
}

Mask BrainMr(const WorkGrid& g, const Mask& envelope, const std::vector<float>& skin_depth) {
  const GridShape& s = g.shape;
  Mask deep(envelope.size());
  for (size_t i = 0; i < deep.size(); ++i) deep[i] = envelope[i] && skin_depth[i] >= 8.0f;
  const double t = OtsuThreshold(g.values, deep);
  Mask bright = Threshold(g, static_cast<float>(t), 1e30f);
  And(&bright, deep);
  const Mask core = LargestComponent(Open(bright, s, 4.0), s);
  // What the opening rounded off (gyral crowns, the temporal poles) comes
  // back: the cells of a slightly wider intensity class within 6 mm of the
  // core, connected to it.
  Mask brain = Threshold(g, static_cast<float>(0.85 * t), 1e30f);
  And(&brain, deep);
  And(&brain, Dilate(core, s, 6.0));
  brain = LargestComponent(brain, s);
  brain = Close(brain, s, 4.0);
  for (int axis = 0; axis < 3; ++axis) FillHoles2D(&brain, s, axis);
  And(&brain, envelope);
  return brain;
}

// The anterior surface of the head at height z: over the cells within 8 mm
// of the midline, the most anterior crossing of the head threshold, found
// per column with sub-cell precision (anteriority = -y, mm; -1e9: none).
std::vector<double> MidlineProfile(const WorkGrid& g, const HeadModel& h, double mid_x) {
  const GridShape& s = g.shape;
  const int half = std::max(1, static_cast<int>(std::lround(8.0 / s.spacing)));
  const int xc = static_cast<int>(std::lround((mid_x - s.origin[0]) / s.spacing));
  const float t = static_cast<float>(h.head_threshold);
  std::vector<double> front(s.nz, -1e9);
  for (int z = 0; z < s.nz; ++z)
    for (int x = std::max(0, xc - half); x <= std::min(s.nx - 1, xc + half); ++x)
      for (int y = 0; y < s.ny; ++y) {
        const size_t i = s.Index(x, y, z);
        if (!h.head[i] || g.values[i] < t) continue;
        double yy = s.origin[1] + s.spacing * y;
        if (y > 0 && g.in_fov[i - s.nx]) {
          const float prev = g.values[i - s.nx];
          if (g.values[i] > prev) yy -= s.spacing * (g.values[i] - t) / (g.values[i] - prev);
        }
        front[z] = std::max(front[z], -yy);
        break;
      }
  return front;
}

// Nasion: on the midline profile, the most posterior point with the
// forehead >= 1.5 mm in front of it above (within 40 mm) and the nose
// >= 1.5 mm in front of it below (within 40 mm), no higher than the brain's
// frontal pole + 10 mm and in front of the brain.
std::optional<Vec3> FindNasion(const WorkGrid& g, const HeadModel& h, double mid_x) {
  const GridShape& s = g.shape;
  const std::vector<double> front = MidlineProfile(g, h, mid_x);
  const int reach = static_cast<int>(std::lround(40.0 / s.spacing));
  std::optional<Vec3> best;
  double best_depth = 0;
  for (int z = 1; z + 1 < s.nz; ++z) {
    const double zmm = s.origin[2] + s.spacing * z;
    if (front[z] < -1e8 || zmm > h.landmarks.brain_front_z + 10.0) continue;
    if (front[z] < -h.landmarks.brain_front_y) continue;  // behind the brain's front: not the face
    if (front[z] > front[z - 1] || front[z] > front[z + 1]) continue;  // a local minimum of anteriority
    double above = -1e9, below = -1e9;
    for (int k = 1; k <= reach; ++k) {
      if (z + k < s.nz) above = std::max(above, front[z + k]);
      if (z - k >= 0) below = std::max(below, front[z - k]);
    }
    const double depth = std::min(above - front[z], below - front[z]) - 1.5;
    if (depth >= 0 && (!best || depth > best_depth)) {
      best_depth = depth;
      best = Vec3{mid_x, -front[z], zmm};
    }
  }
  return best;
}

// Where the midline meets the front of the head: the brain's long axis in
// the axial plane (second moments of the mask), followed from the brain's
// centre to 12 mm in front of its frontal pole; a head turned about the
// vertical axis has its nose off the field's centre. Falls back to
// `mid_x` when the axis is unclear (more than 25 degrees off y).
double FrontMidline(const HeadModel& h, const GridShape& s, double mid_x) {
  double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int z = 0; z < s.nz; ++z)
    for (int y = 0; y < s.ny; ++y)
      for (int x = 0; x < s.nx; ++x)
        if (h.brain[s.Index(x, y, z)]) {
          const double px = s.origin[0] + s.spacing * x, py = s.origin[1] + s.spacing * y;
          n += 1;
          sx += px;
          sy += py;
          sxx += px * px;
          syy += py * py;
          sxy += px * py;
        }
  if (n < 1) return mid_x;
  const double cx = sx / n, cy = sy / n;
  const double vxx = sxx / n - cx * cx, vyy = syy / n - cy * cy, vxy = sxy / n - cx * cy;
  const double angle = 0.5 * std::atan2(2 * vxy, vyy - vxx);  // of the major axis, from y
  if (std::abs(angle) > 25.0 * M_PI / 180.0 || vyy <= vxx) return mid_x;
  const double front_y = h.landmarks.brain_front_y - 12.0;
  return cx + std::tan(angle) * (front_y - cy);
}

}  // namespace

double HeadThreshold(const WorkGrid& grid, bool is_ct) { return is_ct ? -300.0 : MrThreshold(grid); }

HeadModel AnalyseHead(const WorkGrid& g, bool is_ct) {
  const GridShape& s = g.shape;
  const double cell_ml = s.spacing * s.spacing * s.spacing / 1000.0;
  HeadModel h;
  h.is_ct = is_ct;
  h.head = HeadMask(g, is_ct, &h.head_threshold);
  // Envelope: closing 8 mm and holes filled; depth from skin is measured
  // against it (air in the orbits and sinuses is not "outside").
  h.envelope = Close(h.head, s, 8.0);
  std::vector<float> skin_depth_inside_fov;
  for (int axis = 0; axis < 3; ++axis) FillHoles2D(&h.envelope, s, axis);
  {
    // Skin is where the envelope meets air. Where it meets the edge of the
    // field of view (or of the grid), it counts as skin only in front of the
    // head (more than 40 mm anterior to its centre): a face cut by the field
    // of view is shallow there, while a brainstem cut at the bottom is not.
    double ysum = 0, n = 0;
    for (int z = 0; z < s.nz; ++z)
      for (int y = 0; y < s.ny; ++y)
        for (int x = 0; x < s.nx; ++x)
          if (h.envelope[s.Index(x, y, z)]) {
            ysum += s.origin[1] + s.spacing * y;
            n += 1;
          }
    const double front_of_head = (n > 0 ? ysum / n : 0.0) - 40.0;
    Mask air(h.envelope.size()), outside(h.envelope.size());
    for (int z = 0; z < s.nz; ++z)
      for (int y = 0; y < s.ny; ++y)
        for (int x = 0; x < s.nx; ++x) {
          const size_t i = s.Index(x, y, z);
          const bool front = s.origin[1] + s.spacing * y < front_of_head;
          air[i] = !h.envelope[i] && g.in_fov[i];
          outside[i] = !h.envelope[i] && (g.in_fov[i] || front);
        }
    skin_depth_inside_fov = DistanceTo(air, s);
    h.skin_depth = DistanceTo(outside, s);
    for (int z = 0; z < s.nz; ++z)
      for (int y = 0; y < s.ny; ++y)
        for (int x = 0; x < s.nx; ++x) {
          if (s.origin[1] + s.spacing * y >= front_of_head) continue;
          const int edge = std::min({x, y, z, s.nx - 1 - x, s.nz - 1 - z}) + 1;
          float& d = h.skin_depth[s.Index(x, y, z)];
          d = std::min(d, static_cast<float>(edge * s.spacing));
        }
  }
  h.brain = is_ct ? BrainCt(g, h.envelope) : BrainMr(g, h.envelope, h.skin_depth);
  h.brain_distance = DistanceTo(h.brain, s);
  h.head_volume_ml = Count(h.head) * cell_ml;
  h.brain_volume_ml = Count(h.brain) * cell_ml;

  double xmin = 1e30, xmax = -1e30, ymin = 1e30, ymax = -1e30, xsum = 0, n = 0;
  Landmarks& L = h.landmarks;
  L.brain_front_y = 1e30;
  L.brain_bottom_z = 1e30;
  int lowest_fov_z = s.nz;
  for (int z = 0; z < s.nz; ++z)
    for (int y = 0; y < s.ny; ++y)
      for (int x = 0; x < s.nx; ++x) {
        const size_t i = s.Index(x, y, z);
        if (g.in_fov[i]) lowest_fov_z = std::min(lowest_fov_z, z);
        const Vec3 p = s.Center(x, y, z);
        if (h.envelope[i]) {
          xmin = std::min(xmin, p[0]);
          xmax = std::max(xmax, p[0]);
          ymin = std::min(ymin, p[1]);
          ymax = std::max(ymax, p[1]);
          xsum += p[0];
          n += 1;
        }
        if (h.brain[i]) {
          if (p[1] < L.brain_front_y) {
            L.brain_front_y = p[1];
            L.brain_front_z = p[2];
          }
          L.brain_bottom_z = std::min(L.brain_bottom_z, p[2]);
        }
      }
  if (n == 0) return h;
  h.head_width_mm = xmax - xmin + s.spacing;
  h.head_depth_mm = ymax - ymin + s.spacing;
  L.mid_x = xsum / n;
  h.brain_touches_bottom = h.brain_volume_ml > 0 && L.brain_bottom_z <= s.origin[2] + s.spacing * (lowest_fov_z + 1);
  if (h.brain_volume_ml > 0) L.nasion = FindNasion(g, h, FrontMidline(h, s, L.mid_x));
  // Plausibility, with or without landmarks: an intracranial mask is at most
  // 2300 ml and 60 % of the head, and lies under scalp and skull (a mask
  // that took the wrong tissue class reaches the skin).
  size_t brain_cells = 0, at_skin = 0;
  for (size_t i = 0; i < h.brain.size(); ++i)
    if (h.brain[i]) {
      ++brain_cells;
      at_skin += skin_depth_inside_fov[i] < 3.0f;
    }
  if (h.brain_volume_ml > 2300 || h.brain_volume_ml > 0.6 * h.head_volume_ml)
    h.brain_problem = "brain mask too large for the head";
  else if (brain_cells > 0 && at_skin > brain_cells / 100)
    h.brain_problem = "brain mask reaches the skin";
  // Cross-check: the brain lies behind the nasion's skin and does not reach
  // down in front of it (a mask leaking into the orbits does).
  if (L.nasion && h.brain_problem.empty()) {
    if (L.brain_front_y < (*L.nasion)[1] + 3.0) h.brain_problem = "brain mask reaches the nasion skin plane";
    for (size_t i = 0; h.brain_problem.empty() && i < h.brain.size(); ++i) {
      if (!h.brain[i]) continue;
      const int x = static_cast<int>(i % s.nx), y = static_cast<int>((i / s.nx) % s.ny),
                z = static_cast<int>(i / (static_cast<size_t>(s.nx) * s.ny));
      const Vec3 p = s.Center(x, y, z);
      if (p[2] < (*L.nasion)[2] - 10.0 && p[1] < (*L.nasion)[1] + 30.0)
        h.brain_problem = "brain mask extends below and in front of the nasion (orbits)";
    }
  }
  return h;
}

}  // namespace rwd::deface
