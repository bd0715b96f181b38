#include "gateway/series/original_pixels.h"

#include <algorithm>
#include <map>

#include "core/series_volume_builder.h"

namespace rwd::gateway {

Status OriginalPixels::SwapIn(SeriesVolume& volume, const std::vector<size_t>& changed_objects, const Loader& load) {
  // Volume slices by (object, frame).
  std::map<std::pair<size_t, int>, size_t> where;
  for (size_t s = 0; s < volume.slices.size(); ++s) where[{volume.slices[s].object_index, volume.slices[s].frame}] = s;
  const size_t per_slice = volume.slice_size();
  for (size_t object : changed_objects) {
    auto original = load(object);
    if (!original.ok()) {
      Restore(volume);
      return original.status();
    }
    DicomFile* one[] = {&*original};
    auto decoded = BuildSeriesVolume(one);
    if (!decoded.ok() || decoded->rows != volume.rows || decoded->columns != volume.columns) {
      Restore(volume);
      return decoded.ok() ? Status::Error(ErrorCode::kInvalidArgument, "the original's image size differs from the staged one")
                          : decoded.status();
    }
    for (size_t k = 0; k < decoded->slices.size(); ++k) {
      const auto it = where.find({object, decoded->slices[k].frame});
      if (it == where.end()) continue;
      const size_t s = it->second;
      float* staged = volume.voxels.data() + s * per_slice;
      saved_.emplace_back(s, std::vector<float>(staged, staged + per_slice));
      std::copy_n(decoded->voxels.data() + k * per_slice, per_slice, staged);
    }
  }
  return Status::Ok();
}

void OriginalPixels::Restore(SeriesVolume& volume) {
  const size_t per_slice = volume.slice_size();
  for (const auto& [s, voxels] : saved_) std::copy_n(voxels.data(), per_slice, volume.voxels.data() + s * per_slice);
  saved_.clear();
}

}  // namespace rwd::gateway
