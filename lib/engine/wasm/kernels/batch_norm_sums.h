// The batchNorm kind's per-channel sums over rows of C channels (NHWC, channels innermost):
// Σx and Σx² for the statistics, Σdy and Σdy·(x − mean) for the gradient. They were promoted
// to double per element (shuffles, promotes and f64 adds for every 4 values); now each block
// of BN_BLOCK rows is summed in f32 in registers and the block added into double (a block's
// f32 rounding is at most ~BN_BLOCK·2⁻²⁴ ≈ 1e-6 of its Σ|a·b|). Measured 2026-12-05 on
// examples/batchnorm.keras.json's first batchNorm (100 K values, C = 16; CPU ms of a
// batch-32 step on one thread): Σx, Σx² 0.024 → 0.009; Σdy, Σdy·x̂ 0.041 → 0.014
// (microbenchmark: block 8 costs 1.2× block 16, 32 0.9×).
#pragma once
#include "step.h"
#include "simd.h"

static inline void bn_acc1(double *s, double *p, float a, float b) {
  *s += a;
  *p += (double)a * b;
}

// s[0..4) += a and p[0..4) += b, four channels' f32 sums added into double.
static inline void bn_flush4(double *s, double *p, v128_t a, v128_t b) {
  v128_t a1 = wasm_i32x4_shuffle(a, a, 2, 3, 0, 1), b1 = wasm_i32x4_shuffle(b, b, 2, 3, 0, 1);
  ST(s, wasm_f64x2_add(LD(s), wasm_f64x2_promote_low_f32x4(a)));
  ST(s + 2, wasm_f64x2_add(LD(s + 2), wasm_f64x2_promote_low_f32x4(a1)));
  ST(p, wasm_f64x2_add(LD(p), wasm_f64x2_promote_low_f32x4(b)));
  ST(p + 2, wasm_f64x2_add(LD(p + 2), wasm_f64x2_promote_low_f32x4(b1)));
}

// The rows per f32 partial sum (see bn_sums).
#define BN_BLOCK 16

// bn_sums for 4·w channels (w ≤ 4) from channel 0 of a, x, mean, s, p: each block of
// BN_BLOCK rows summed in f32 in registers, then added into the double sums.
static inline __attribute__((always_inline)) void bn_sums_w(
    const float *a, const float *x, const float *mean, long r0, long r1, int C, double *s,
    double *p, int norm, int w) {
  v128_t m[4], sa[4], sp[4];
  for (int k = 0; k < w; k++) m[k] = norm ? LD(mean + 4 * k) : wasm_f32x4_splat(0);
  for (long b = r0; b < r1; b += BN_BLOCK) {
    long e = b + BN_BLOCK < r1 ? b + BN_BLOCK : r1;
    for (int k = 0; k < w; k++) sa[k] = sp[k] = wasm_f32x4_splat(0);
    for (long r = b; r < e; r++)
      for (int k = 0; k < w; k++) {
        v128_t ak = LD(a + r * C + 4 * k);
        v128_t bk = norm ? wasm_f32x4_sub(LD(x + r * C + 4 * k), m[k]) : ak;
        sa[k] = wasm_f32x4_add(sa[k], ak);
        sp[k] = MADD(ak, bk, sp[k]);
      }
    for (int k = 0; k < w; k++) bn_flush4(s + 4 * k, p + 4 * k, sa[k], sp[k]);
  }
}

// s[c] = Σ a and p[c] = Σ a·b over rows [r0, r1) of C channels, in row order, where b is x
// itself (`norm` 0: the statistics) or x − mean (`norm` 1: the gradient sums, Σdy·x̂ being
// invStd·Σdy·(x − mean)). Blocks of BN_BLOCK rows are summed in f32, then added into
// double, 16 (C = 16 specialised), 8 or 4 channels at a time (the odd channels in double, one by one); the order
// is fixed by r0, so the sums do not depend on the thread count.
static inline __attribute__((always_inline)) void bn_sums(
    const float *a, const float *x, const float *mean, long r0, long r1, int C, double *s,
    double *p, int norm) {
  for (int c = 0; c < C; c++) s[c] = p[c] = 0;
  int c = 0;
  if (C == 16) bn_sums_w(a, x, mean, r0, r1, 16, s, p, norm, 4), c = 16;
  for (; c + 16 <= C; c += 16) bn_sums_w(a + c, x + c, mean + c, r0, r1, C, s + c, p + c, norm, 4);
  for (; c + 8 <= C; c += 8) bn_sums_w(a + c, x + c, mean + c, r0, r1, C, s + c, p + c, norm, 2);
  for (; c + 4 <= C; c += 4) bn_sums_w(a + c, x + c, mean + c, r0, r1, C, s + c, p + c, norm, 1);
  for (; c < C; c++)
    for (long r = r0; r < r1; r++)
      bn_acc1(s + c, p + c, a[r * C + c], norm ? x[r * C + c] - mean[c] : a[r * C + c]);
}
