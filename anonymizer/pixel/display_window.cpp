#include "anonymizer/pixel/display_window.h"

#include <immintrin.h>

#include <algorithm>

namespace rwd::anon::pixel {
namespace detail {

void WindowSamples16Scalar(const uint16_t* samples, size_t n, int bits, bool is_signed, int32_t lo, int32_t hi,
                           uint8_t* dst) {
  const int32_t span = std::max<int32_t>(1, hi - lo), half = span / 2;
  const int shift = 32 - bits;
  const uint32_t mask = bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1;
  for (size_t i = 0; i < n; ++i) {
    int32_t v = is_signed ? static_cast<int32_t>(uint32_t{samples[i]} << shift) >> shift
                          : static_cast<int32_t>(samples[i] & mask);
    v = std::min(std::max(v, lo), hi);
    dst[i] = static_cast<uint8_t>(((v - lo) * 255 + half) / span);
  }
}

}  // namespace detail
namespace {

// 8 offsets d = v - lo (0..span) to display values, in float, where every
// quantity is an integer below 2^24 and so exact: the quotient's estimate
// (within one of the truth) is corrected once each way.
__attribute__((target("avx2"))) inline __m256i Quotients(__m256i d, __m256 span, __m256 half, __m256 inv) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 num = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(d), _mm256_set1_ps(255.0f)), half);
  __m256 q = _mm256_floor_ps(_mm256_mul_ps(num, inv));
  q = _mm256_sub_ps(q, _mm256_and_ps(_mm256_cmp_ps(_mm256_mul_ps(q, span), num, _CMP_GT_OQ), one));
  q = _mm256_add_ps(q, _mm256_and_ps(_mm256_cmp_ps(_mm256_mul_ps(_mm256_add_ps(q, one), span), num, _CMP_LE_OQ), one));
  return _mm256_cvttps_epi32(q);
}

// 16 samples to their offsets from lo, as 16-bit lanes.
__attribute__((target("avx2"))) inline __m256i Offsets(const uint16_t* p, bool is_signed, __m128i shift, __m256i mask,
                                                       __m256i lo, __m256i hi) {
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  if (is_signed) {
    v = _mm256_sra_epi16(_mm256_sll_epi16(v, shift), shift);
    v = _mm256_min_epi16(_mm256_max_epi16(v, lo), hi);
  } else {
    v = _mm256_and_si256(v, mask);
    v = _mm256_min_epu16(_mm256_max_epu16(v, lo), hi);
  }
  return _mm256_sub_epi16(v, lo);  // 0..span, read as unsigned
}

// 16 offsets to 16 display values (16-bit lanes, in order).
__attribute__((target("avx2"))) inline __m256i Display16(__m256i d, __m256 span, __m256 half, __m256 inv) {
  const __m256i a = Quotients(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(d)), span, half, inv);
  const __m256i b = Quotients(_mm256_cvtepu16_epi32(_mm256_extracti128_si256(d, 1)), span, half, inv);
  return _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);
}

__attribute__((target("avx2"))) void WindowAvx2(const uint16_t* samples, size_t n, int bits, bool is_signed,
                                                int32_t lo, int32_t hi, uint8_t* dst) {
  const int32_t span = std::max<int32_t>(1, hi - lo);
  const __m256 spanf = _mm256_set1_ps(static_cast<float>(span)), half = _mm256_set1_ps(static_cast<float>(span / 2));
  const __m256 inv = _mm256_set1_ps(1.0f / static_cast<float>(span));
  const __m128i shift = _mm_cvtsi32_si128(16 - bits);
  const __m256i mask = _mm256_set1_epi16(static_cast<int16_t>((1u << bits) - 1));
  const __m256i lo16 = _mm256_set1_epi16(static_cast<int16_t>(lo)), hi16 = _mm256_set1_epi16(static_cast<int16_t>(hi));
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i x = Display16(Offsets(samples + i, is_signed, shift, mask, lo16, hi16), spanf, half, inv);
    const __m256i y = Display16(Offsets(samples + i + 16, is_signed, shift, mask, lo16, hi16), spanf, half, inv);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_permute4x64_epi64(_mm256_packus_epi16(x, y), 0xD8));
  }
  detail::WindowSamples16Scalar(samples + i, n - i, bits, is_signed, lo, hi, dst + i);
}

}  // namespace

void WindowSamples16(const uint16_t* samples, size_t n, int bits, bool is_signed, int32_t lo, int32_t hi,
                     uint8_t* dst) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  // The 16-bit lanes hold the window's ends as the samples' own type.
  const bool fits = is_signed ? lo >= -32768 && hi <= 32767 : lo >= 0 && hi <= 65535;
  if (avx2 && fits && lo <= hi && bits >= 1 && bits <= 16)
    WindowAvx2(samples, n, bits, is_signed, lo, hi, dst);
  else
    detail::WindowSamples16Scalar(samples, n, bits, is_signed, lo, hi, dst);
}

}  // namespace rwd::anon::pixel
