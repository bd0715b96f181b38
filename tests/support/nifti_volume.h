#pragma once
// Reads a NIfTI-1 volume (.nii or .nii.gz) for tests: mricron-data's
// ch2.nii.gz (a real T1 head with a face) and ch2bet.nii.gz (its brain).
// Voxels are converted to float; the affine is the sform (else qform-less
// pixdim scaling), mapping (i, j, k) to RAS millimetres as NIfTI defines.
#include <array>
#include <string>
#include <vector>

namespace rwd::testing {

struct NiftiVolume {
  int nx = 0, ny = 0, nz = 0;
  std::array<double, 3> spacing{};          // pixdim[1..3], mm
  std::array<std::array<double, 4>, 3> ras{};  // srow_x, srow_y, srow_z
  std::vector<float> voxels;                // x fastest: (k * ny + j) * nx + i
  float at(int i, int j, int k) const { return voxels[(static_cast<size_t>(k) * ny + j) * nx + i]; }
};

// Throws std::runtime_error with the reason when the file cannot be read.
NiftiVolume ReadNifti(const std::string& path);

// mricron-data's files (installed by scripts/install-deps.sh).
inline const char* kCh2Path = "/usr/share/mricron/templates/ch2.nii.gz";
inline const char* kCh2BetPath = "/usr/share/mricron/templates/ch2bet.nii.gz";

}  // namespace rwd::testing
