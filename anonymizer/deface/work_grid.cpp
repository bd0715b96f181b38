#include "anonymizer/deface/work_grid.h"

#include <algorithm>
#include <limits>

namespace rwd::deface {
namespace {

constexpr float kInf = 1e20f;

// 1D squared distance transform of f (lower envelope of parabolas).
void Edt1D(const float* f, int n, float* d, int* v, float* z) {
  int k = 0;
  v[0] = 0;
  z[0] = -kInf;
  z[1] = kInf;
  auto cross = [&](int q, int p) {
    return ((f[q] + static_cast<float>(q) * q) - (f[p] + static_cast<float>(p) * p)) / (2.0f * (q - p));
  };
  for (int q = 1; q < n; ++q) {
    float s = cross(q, v[k]);
    while (s <= z[k]) {  // z[0] = -inf ends the loop
      --k;
      s = cross(q, v[k]);
    }
    ++k;
    v[k] = q;
    z[k] = s;
    z[k + 1] = kInf;
  }
  k = 0;
  for (int q = 0; q < n; ++q) {
    while (z[k + 1] < q) ++k;
    const float dq = static_cast<float>(q - v[k]);
    d[q] = dq * dq + f[v[k]];
  }
}

}  // namespace

size_t Count(const Mask& m) { return static_cast<size_t>(std::count(m.begin(), m.end(), uint8_t{1})); }

std::vector<float> DistanceTo(const Mask& mask, const GridShape& s) {
  std::vector<float> g(s.size());
  for (size_t i = 0; i < g.size(); ++i) g[i] = mask[i] ? 0.0f : kInf;
  const int n = std::max({s.nx, s.ny, s.nz});
  std::vector<float> f(n), d(n), z(n + 1);
  std::vector<int> v(n);
  // x
  for (int zz = 0; zz < s.nz; ++zz)
    for (int y = 0; y < s.ny; ++y) {
      float* row = &g[s.Index(0, y, zz)];
      std::copy(row, row + s.nx, f.begin());
      Edt1D(f.data(), s.nx, d.data(), v.data(), z.data());
      std::copy(d.begin(), d.begin() + s.nx, row);
    }
  // y
  for (int zz = 0; zz < s.nz; ++zz)
    for (int x = 0; x < s.nx; ++x) {
      for (int y = 0; y < s.ny; ++y) f[y] = g[s.Index(x, y, zz)];
      Edt1D(f.data(), s.ny, d.data(), v.data(), z.data());
      for (int y = 0; y < s.ny; ++y) g[s.Index(x, y, zz)] = d[y];
    }
  // z
  for (int y = 0; y < s.ny; ++y)
    for (int x = 0; x < s.nx; ++x) {
      for (int zz = 0; zz < s.nz; ++zz) f[zz] = g[s.Index(x, y, zz)];
      Edt1D(f.data(), s.nz, d.data(), v.data(), z.data());
      for (int zz = 0; zz < s.nz; ++zz) g[s.Index(x, y, zz)] = d[zz];
    }
  for (float& x : g) x = x >= kInf * 0.5f ? 1e9f : std::sqrt(x) * static_cast<float>(s.spacing);
  return g;
}

Mask Dilate(const Mask& m, const GridShape& s, double r) {
  const auto d = DistanceTo(m, s);
  Mask out(m.size());
  for (size_t i = 0; i < m.size(); ++i) out[i] = d[i] <= r + 1e-3;
  return out;
}

Mask Erode(const Mask& m, const GridShape& s, double r) {
  Mask inv(m.size());
  for (size_t i = 0; i < m.size(); ++i) inv[i] = !m[i];
  const auto d = DistanceTo(inv, s);
  Mask out(m.size());
  for (size_t i = 0; i < m.size(); ++i) out[i] = d[i] > r + 1e-3;
  return out;
}

Mask Close(const Mask& m, const GridShape& s, double r) { return Erode(Dilate(m, s, r), s, r); }
Mask Open(const Mask& m, const GridShape& s, double r) { return Dilate(Erode(m, s, r), s, r); }

Mask LargestComponent(const Mask& m, const GridShape& s) {
  std::vector<int32_t> label(m.size(), 0);
  std::vector<size_t> sizes{0};
  std::vector<size_t> stack;
  for (size_t start = 0; start < m.size(); ++start) {
    if (!m[start] || label[start]) continue;
    const int32_t id = static_cast<int32_t>(sizes.size());
    size_t n = 0;
    stack.push_back(start);
    label[start] = id;
    while (!stack.empty()) {
      const size_t i = stack.back();
      stack.pop_back();
      ++n;
      const int x = static_cast<int>(i % s.nx), y = static_cast<int>((i / s.nx) % s.ny),
                z = static_cast<int>(i / (static_cast<size_t>(s.nx) * s.ny));
      const int nb[6][3] = {{x - 1, y, z}, {x + 1, y, z}, {x, y - 1, z}, {x, y + 1, z}, {x, y, z - 1}, {x, y, z + 1}};
      for (auto& q : nb) {
        if (!s.Contains(q[0], q[1], q[2])) continue;
        const size_t j = s.Index(q[0], q[1], q[2]);
        if (m[j] && !label[j]) {
          label[j] = id;
          stack.push_back(j);
        }
      }
    }
    sizes.push_back(n);
  }
  Mask out(m.size(), 0);
  if (sizes.size() < 2) return out;
  const int32_t best = static_cast<int32_t>(std::max_element(sizes.begin() + 1, sizes.end()) - sizes.begin());
  for (size_t i = 0; i < m.size(); ++i) out[i] = label[i] == best;
  return out;
}

void FillHoles2D(Mask* m, const GridShape& s, int axis) {
  // The slice's two in-plane axes.
  const int dims[3] = {s.nx, s.ny, s.nz};
  const int a = axis == 0 ? 1 : 0, b = axis == 2 ? 1 : 2;
  const int na = dims[a], nb = dims[b];
  std::vector<uint8_t> outside(static_cast<size_t>(na) * nb);
  std::vector<int> stack;
  for (int k = 0; k < dims[axis]; ++k) {
    auto at = [&](int i, int j) -> uint8_t& {
      int c[3];
      c[axis] = k;
      c[a] = i;
      c[b] = j;
      return (*m)[s.Index(c[0], c[1], c[2])];
    };
    std::fill(outside.begin(), outside.end(), 0);
    for (int i = 0; i < na; ++i)
      for (int j = 0; j < nb; ++j)
        if ((i == 0 || j == 0 || i == na - 1 || j == nb - 1) && !at(i, j) && !outside[i * nb + j]) {
          outside[i * nb + j] = 1;
          stack.push_back(i * nb + j);
        }
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      const int i = p / nb, j = p % nb;
      const int nbr[4][2] = {{i - 1, j}, {i + 1, j}, {i, j - 1}, {i, j + 1}};
      for (auto& q : nbr) {
        if (q[0] < 0 || q[1] < 0 || q[0] >= na || q[1] >= nb) continue;
        const int qi = q[0] * nb + q[1];
        if (!outside[qi] && !at(q[0], q[1])) {
          outside[qi] = 1;
          stack.push_back(qi);
        }
      }
    }
    for (int i = 0; i < na; ++i)
      for (int j = 0; j < nb; ++j)
        if (!outside[i * nb + j]) at(i, j) = 1;
  }
}

double OtsuThreshold(const std::vector<float>& values, const Mask& where) {
  float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
  for (size_t i = 0; i < values.size(); ++i)
    if (where[i]) {
      lo = std::min(lo, values[i]);
      hi = std::max(hi, values[i]);
    }
  if (!(hi > lo)) return lo;
  std::vector<double> hist(256, 0.0);
  const double scale = 255.0 / (hi - lo);
  double total = 0, sum = 0;
  for (size_t i = 0; i < values.size(); ++i)
    if (where[i]) {
      const int bin = static_cast<int>((values[i] - lo) * scale);
      hist[bin] += 1;
      total += 1;
      sum += bin;
    }
  double w0 = 0, sum0 = 0, best = -1;
  int best_t = 0;
  for (int t = 0; t < 256; ++t) {
    w0 += hist[t];
    sum0 += t * hist[t];
    const double w1 = total - w0;
    if (w0 == 0 || w1 == 0) continue;
    const double m0 = sum0 / w0, m1 = (sum - sum0) / w1;
    const double between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > best) {
      best = between;
      best_t = t;
    }
  }
  return lo + (best_t + 0.5) / scale;
}

WorkGrid ResampleToGrid(const SeriesVolume& v, double spacing, float background) {
  const VolumeGeometry& g = v.geometry;
  WorkGrid out;
  Vec3 lo{1e30, 1e30, 1e30}, hi{-1e30, -1e30, -1e30};
  for (size_t s = 0; s < v.slices.size(); s += std::max<size_t>(1, v.slices.size() - 1))
    for (int r : {0, v.rows - 1})
      for (int c : {0, v.columns - 1}) {
        const Vec3 p = v.PositionOf(s, r, c);
        for (int i = 0; i < 3; ++i) {
          lo[i] = std::min(lo[i], p[i]);
          hi[i] = std::max(hi[i], p[i]);
        }
      }
  GridShape& sh = out.shape;
  sh.spacing = spacing;
  sh.origin = lo;
  sh.nx = static_cast<int>(std::ceil((hi[0] - lo[0]) / spacing)) + 1;
  sh.ny = static_cast<int>(std::ceil((hi[1] - lo[1]) / spacing)) + 1;
  sh.nz = static_cast<int>(std::ceil((hi[2] - lo[2]) / spacing)) + 1;
  std::vector<double> sum(sh.size(), 0.0);
  std::vector<uint32_t> count(sh.size(), 0);
  Vec3 dc, dr;
  for (int i = 0; i < 3; ++i) {
    dc[i] = g.column_spacing * g.row_direction[i] / spacing;
    dr[i] = g.row_spacing * g.column_direction[i] / spacing;
  }
  for (size_t s = 0; s < v.slices.size(); ++s) {
    const Vec3& p0 = *v.slices[s].position;
    const float* vox = v.voxels.data() + s * v.slice_size();
    for (int r = 0; r < v.rows; ++r) {
      double fx = (p0[0] - lo[0]) / spacing + r * dr[0], fy = (p0[1] - lo[1]) / spacing + r * dr[1],
             fz = (p0[2] - lo[2]) / spacing + r * dr[2];
      for (int c = 0; c < v.columns; ++c, fx += dc[0], fy += dc[1], fz += dc[2]) {
        const int x = static_cast<int>(fx + 0.5), y = static_cast<int>(fy + 0.5), z = static_cast<int>(fz + 0.5);
        if (!sh.Contains(x, y, z)) continue;
        const size_t i = sh.Index(x, y, z);
        sum[i] += vox[static_cast<size_t>(r) * v.columns + c];
        ++count[i];
      }
    }
  }
  out.values.assign(sh.size(), background);
  out.in_fov.assign(sh.size(), 0);
  // Cells no voxel fell into (slices thicker than the grid): nearest voxel.
  std::vector<double> along(v.slices.size());
  for (size_t s = 0; s < v.slices.size(); ++s) {
    const Vec3& p = *v.slices[s].position;
    along[s] = p[0] * g.normal[0] + p[1] * g.normal[1] + p[2] * g.normal[2];
  }
  const double half = std::max(g.slice_spacing, 0.5) * 0.5 + 1e-6;
  for (int z = 0; z < sh.nz; ++z)
    for (int y = 0; y < sh.ny; ++y)
      for (int x = 0; x < sh.nx; ++x) {
        const size_t i = sh.Index(x, y, z);
        if (count[i]) {
          out.values[i] = static_cast<float>(sum[i] / count[i]);
          out.in_fov[i] = 1;
          continue;
        }
        const Vec3 q = sh.Center(x, y, z);
        const double t = q[0] * g.normal[0] + q[1] * g.normal[1] + q[2] * g.normal[2];
        const size_t k = static_cast<size_t>(std::lower_bound(along.begin(), along.end(), t) - along.begin());
        size_t s = k;
        if (k == along.size() || (k > 0 && t - along[k - 1] < along[k] - t)) s = k - 1;
        if (std::abs(along[s] - t) > half) continue;
        const Vec3& p0 = *v.slices[s].position;
        Vec3 d{q[0] - p0[0], q[1] - p0[1], q[2] - p0[2]};
        const double c = (d[0] * g.row_direction[0] + d[1] * g.row_direction[1] + d[2] * g.row_direction[2]) / g.column_spacing;
        const double r = (d[0] * g.column_direction[0] + d[1] * g.column_direction[1] + d[2] * g.column_direction[2]) / g.row_spacing;
        const long ci = std::lround(c), ri = std::lround(r);
        if (ci < 0 || ri < 0 || ci >= v.columns || ri >= v.rows) continue;
        out.values[i] = v.at(s, static_cast<int>(ri), static_cast<int>(ci));
        out.in_fov[i] = 1;
      }
  return out;
}

float Sample(const GridShape& s, const std::vector<float>& values, const Vec3& p, float outside) {
  const double fx = (p[0] - s.origin[0]) / s.spacing, fy = (p[1] - s.origin[1]) / s.spacing,
               fz = (p[2] - s.origin[2]) / s.spacing;
  const int x0 = static_cast<int>(std::floor(fx)), y0 = static_cast<int>(std::floor(fy)),
            z0 = static_cast<int>(std::floor(fz));
  if (x0 < 0 || y0 < 0 || z0 < 0 || x0 + 1 >= s.nx || y0 + 1 >= s.ny || z0 + 1 >= s.nz) return outside;
  const float ax = static_cast<float>(fx - x0), ay = static_cast<float>(fy - y0), az = static_cast<float>(fz - z0);
  const float* v = values.data();
  const size_t i = s.Index(x0, y0, z0), sx = 1, sy = static_cast<size_t>(s.nx), sz = sy * s.ny;
  const float c00 = v[i] + ax * (v[i + sx] - v[i]), c10 = v[i + sy] + ax * (v[i + sy + sx] - v[i + sy]);
  const float c01 = v[i + sz] + ax * (v[i + sz + sx] - v[i + sz]),
              c11 = v[i + sz + sy] + ax * (v[i + sz + sy + sx] - v[i + sz + sy]);
  const float c0 = c00 + ay * (c10 - c00), c1 = c01 + ay * (c11 - c01);
  return c0 + az * (c1 - c0);
}

}  // namespace rwd::deface
