// The 4 × 6 ↔ 6 × 4 transposes of 6-filter convs (LeNet-5's conv1): the padded-plane
// forward's tiles out to NHWC (untranspose_6x4), and dZ into dZᵀ for its filter gradient
// (transpose_4x6, act_grad_transpose6 with the activation′ and the bias sums on the way).
#pragma once
#include "simd.h"
#include "small_ops.h"

// 6 columns of 4 (filter n's 4 pixels) to 4 rows of 6, o[q·6 + n] = column n's lane q: the
// inverse of transpose_4x6, in 12 shuffles (the 8 × 6 tile went out as 48 scalar stores).
static inline void untranspose_6x4(v128_t n0, v128_t n1, v128_t n2, v128_t n3, v128_t n4,
                                   v128_t n5, float *o) {
  v128_t lo01 = wasm_i32x4_shuffle(n0, n1, 0, 1, 4, 5), hi01 = wasm_i32x4_shuffle(n0, n1, 2, 3, 6, 7);
  v128_t lo23 = wasm_i32x4_shuffle(n2, n3, 0, 1, 4, 5), hi23 = wasm_i32x4_shuffle(n2, n3, 2, 3, 6, 7);
  v128_t lo45 = wasm_i32x4_shuffle(n4, n5, 0, 1, 4, 5), hi45 = wasm_i32x4_shuffle(n4, n5, 2, 3, 6, 7);
  ST(o, wasm_i32x4_shuffle(lo01, lo23, 0, 2, 4, 6));
  ST(o + 4, wasm_i32x4_shuffle(lo45, lo01, 0, 2, 5, 7));
  ST(o + 8, wasm_i32x4_shuffle(lo23, lo45, 1, 3, 5, 7));
  ST(o + 12, wasm_i32x4_shuffle(hi01, hi23, 0, 2, 4, 6));
  ST(o + 16, wasm_i32x4_shuffle(hi45, hi01, 0, 2, 5, 7));
  ST(o + 20, wasm_i32x4_shuffle(hi23, hi45, 1, 3, 5, 7));
}

// 4 rows of 6 (24 floats, in vectors a to f) to 6 columns of 4, t[n·ld + q] = x[q·6 + n],
// in 12 shuffles: rows 0–1 lie in vectors a, b, c of x, rows 2–3 in the next three, at the
// same lanes. The scalar transpose of LeNet-5's conv1 gradient (150 K floats a step) took
// ~0.1 ms.
static inline void transpose_4x6_v(v128_t a, v128_t b, v128_t c, v128_t d, v128_t e,
                                   v128_t f, float *t, long ld) {
  v128_t lo01 = wasm_i32x4_shuffle(a, b, 0, 6, 1, 7), hi01 = wasm_i32x4_shuffle(d, e, 0, 6, 1, 7);
  v128_t lo23 = wasm_i32x4_shuffle(a, c, 2, 4, 3, 5), hi23 = wasm_i32x4_shuffle(d, f, 2, 4, 3, 5);
  v128_t lo45 = wasm_i32x4_shuffle(b, c, 0, 6, 1, 7), hi45 = wasm_i32x4_shuffle(e, f, 0, 6, 1, 7);
  ST(t, wasm_i32x4_shuffle(lo01, hi01, 0, 1, 4, 5));
  ST(t + ld, wasm_i32x4_shuffle(lo01, hi01, 2, 3, 6, 7));
  ST(t + 2 * ld, wasm_i32x4_shuffle(lo23, hi23, 0, 1, 4, 5));
  ST(t + 3 * ld, wasm_i32x4_shuffle(lo23, hi23, 2, 3, 6, 7));
  ST(t + 4 * ld, wasm_i32x4_shuffle(lo45, hi45, 0, 1, 4, 5));
  ST(t + 5 * ld, wasm_i32x4_shuffle(lo45, hi45, 2, 3, 6, 7));
}

static inline void transpose_4x6(const float *x, float *t, long ld) {
  transpose_4x6_v(LD(x), LD(x + 4), LD(x + 8), LD(x + 12), LD(x + 16), LD(x + 20), t, ld);
}

// dZᵀ (6 rows of m, m % 4 = 0) of a 6-filter conv with no input gradient, its activation′
// applied on the way, and gbias += dZ's column sums: act_grad_bias and conv_filter_grad's
// transpose in one pass, the same floats in the same order (act_grad_bias_flat's sums), dZ
// left as it was. LeNet-5's conv1 backward 0.253 → 0.243 CPU ms a batch-32 step on one thread
// (2026-12-05).
static void act_grad_transpose6(const float *dz, const float *y, int act, float *gbias, int m,
                                float *t) {
  v128_t z = wasm_f32x4_splat(0.f), g[6] = {z, z, z, z, z, z};
  for (int r = 0; r < m; r += 4, dz += 24, y += 24) {
    v128_t d[6];
    for (int j = 0; j < 6; j++) {
      d[j] = act ? act_grad4(LD(dz + 4 * j), LD(y + 4 * j), act) : LD(dz + 4 * j);
      g[j] = wasm_f32x4_add(g[j], d[j]);
    }
    transpose_4x6_v(d[0], d[1], d[2], d[3], d[4], d[5], t + r, m);
  }
  flat_sums_add(g, 6, gbias);
}
