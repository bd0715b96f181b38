#include "qc/series_cache.h"

#include <map>

namespace rwd::qc {
namespace {

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}
std::map<const SeriesVolume*, std::shared_ptr<SeriesCache>>& Registry() {
  static std::map<const SeriesVolume*, std::shared_ptr<SeriesCache>> registry;
  return registry;
}

}  // namespace

std::shared_ptr<SeriesCache> FindSeriesCache(const SeriesVolume& v) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(&v);
  return it == Registry().end() ? nullptr : it->second;
}

ScopedSeriesCache::ScopedSeriesCache(const SeriesVolume& v) : volume_(&v) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  owner_ = Registry().emplace(&v, std::make_shared<SeriesCache>(v.slices.size())).second;
}

ScopedSeriesCache::~ScopedSeriesCache() {
  if (!owner_) return;
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry().erase(volume_);
}

}  // namespace rwd::qc
