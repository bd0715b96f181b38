#include "tests/fuzz/allocation_probe.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace rwd::testing {
namespace {
std::atomic<size_t> largest{0};

void* Allocate(size_t n) {
  size_t seen = largest.load(std::memory_order_relaxed);
  while (n > seen && !largest.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
  }
  return std::malloc(n ? n : 1);
}
}  // namespace

void ResetLargestAllocation() { largest.store(0); }
size_t LargestAllocation() { return largest.load(); }

}  // namespace rwd::testing

// Replacements of the global allocation functions (C++17 [replacement.functions]).
void* operator new(size_t n) {
  if (void* p = rwd::testing::Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) {
  if (void* p = rwd::testing::Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t n, const std::nothrow_t&) noexcept { return rwd::testing::Allocate(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return rwd::testing::Allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
