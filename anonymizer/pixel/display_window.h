#pragma once
// The 8-bit display value of 16-bit samples in a window [lo, hi]:
//   ((clamp(v, lo, hi) - lo) * 255 + span / 2) / span,  span = max(1, hi - lo)
// exactly, for every sample; v is the sample's low `bits` bits, sign-extended
// when `is_signed`. Every frame screened or cleaned passes through it (a
// 512 x 512 CT slice: 262,144 samples), so it runs 32 samples at a time with
// AVX2 where the processor has it.
#include <cstddef>
#include <cstdint>

namespace rwd::anon::pixel {

void WindowSamples16(const uint16_t* samples, size_t n, int bits, bool is_signed, int32_t lo, int32_t hi,
                     uint8_t* dst);

namespace detail {
// The same, one sample at a time (processors without AVX2; tails).
void WindowSamples16Scalar(const uint16_t* samples, size_t n, int bits, bool is_signed, int32_t lo, int32_t hi,
                           uint8_t* dst);
}  // namespace detail

}  // namespace rwd::anon::pixel
