#pragma once
// A coarse working grid aligned with the patient axes (LPS, mm): x towards
// the patient's left, y posterior, z superior; cubic cells of `spacing` mm.
// Cell (x, y, z) has its centre at origin + spacing * (x, y, z). The
// defacing masks live on it, so that any acquisition orientation (axial,
// sagittal, coronal, oblique, multi-frame) is handled alike, and so that a
// mask is a value in patient coordinates that other series of the same
// frame of reference can reuse.
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/series_volume.h"

namespace rwd::deface {

struct GridShape {
  int nx = 0, ny = 0, nz = 0;
  double spacing = 2.0;
  Vec3 origin{};
  size_t size() const { return static_cast<size_t>(nx) * ny * nz; }
  size_t Index(int x, int y, int z) const { return (static_cast<size_t>(z) * ny + y) * nx + x; }
  bool Contains(int x, int y, int z) const { return x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz; }
  Vec3 Center(int x, int y, int z) const {
    return {origin[0] + spacing * x, origin[1] + spacing * y, origin[2] + spacing * z};
  }
  // The nearest cell of a patient point; false when outside the grid.
  bool NearestCell(const Vec3& p, int* x, int* y, int* z) const {
    *x = static_cast<int>(std::lround((p[0] - origin[0]) / spacing));
    *y = static_cast<int>(std::lround((p[1] - origin[1]) / spacing));
    *z = static_cast<int>(std::lround((p[2] - origin[2]) / spacing));
    return Contains(*x, *y, *z);
  }
};

using Mask = std::vector<uint8_t>;  // 1 inside, 0 outside, one per cell

// The series resampled onto the grid: block average of the voxels falling
// into each cell, nearest voxel for cells no voxel fell into; `in_fov` says
// which cells the series covers.
struct WorkGrid {
  GridShape shape;
  std::vector<float> values;
  Mask in_fov;
};

// Cells outside the series' field of view get `background`.
// REQUIRES: volume.geometry.known and voxels present.
WorkGrid ResampleToGrid(const SeriesVolume& volume, double spacing_mm, float background);

// Trilinear value at a patient point (`outside` beyond the grid).
float Sample(const GridShape& shape, const std::vector<float>& values, const Vec3& p, float outside);
inline float Sample(const WorkGrid& grid, const Vec3& p, float outside) {
  return Sample(grid.shape, grid.values, p, outside);
}

// Euclidean distance (mm) from every cell to the nearest cell where
// mask == 1 (0 inside the mask); a large value when the mask is empty.
// Separable exact transform (Felzenszwalb & Huttenlocher 2012).
std::vector<float> DistanceTo(const Mask& mask, const GridShape& shape);

Mask Dilate(const Mask& m, const GridShape& s, double r_mm);
Mask Erode(const Mask& m, const GridShape& s, double r_mm);
Mask Close(const Mask& m, const GridShape& s, double r_mm);
Mask Open(const Mask& m, const GridShape& s, double r_mm);
// The largest 6-connected component.
Mask LargestComponent(const Mask& m, const GridShape& s);
// Holes filled slice by slice: axis 2 (axial), 1 (coronal), 0 (sagittal).
void FillHoles2D(Mask* m, const GridShape& s, int axis);
size_t Count(const Mask& m);

// Otsu's threshold of `values` where `where` is 1 (256 bins).
double OtsuThreshold(const std::vector<float>& values, const Mask& where);

}  // namespace rwd::deface
