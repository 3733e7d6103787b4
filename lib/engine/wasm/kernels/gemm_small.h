// gemm_nn's path for N ≤ 6 output columns when A's rows are adjacent (LeNet-5's conv1 with
// its 6 filters over transposed im2col patches).
#pragma once
#include "simd.h"

// C (+)= A·B for N ≤ 6 columns when A's rows are adjacent (sa = 1: the transposed im2col
// of a conv on < 4 channels, e.g. LeNet-5's conv1 with 6 filters): 8 rows of C at a time as
// two vectors per column, all lanes useful (the padded 4×8 block used 6 of 8), summed in k
// order like gemm_nn; each 8 × N tile goes out through a small transposing buffer.
static inline __attribute__((always_inline)) void gemm_rows_small_n(int M, int N, int K, const float *a, int sk, const float *b,
                              float *c, int accumulate) {
  int i = 0;
  for (; i + 8 <= M; i += 8) {
    float t[6][8];
    v128_t r[6][2];
    for (int n = 0; n < 6; n++)
      for (int h = 0; h < 2; h++) {
        v128_t z = wasm_f32x4_splat(0.f);
        if (accumulate && n < N)
          z = wasm_f32x4_make(c[(long)(i + 4 * h) * N + n], c[(long)(i + 4 * h + 1) * N + n],
                              c[(long)(i + 4 * h + 2) * N + n], c[(long)(i + 4 * h + 3) * N + n]);
        r[n][h] = z;
      }
    const float *ak = a + i;
    for (int k = 0; k < K; k++, ak += sk) {
      v128_t x0 = LD(ak), x1 = LD(ak + 4);
      const float *bk = b + (long)k * N;
      for (int n = 0; n < 6; n++) {
        if (n >= N) break;
        v128_t w = SPLAT(bk + n);
        r[n][0] = MADD(x0, w, r[n][0]);
        r[n][1] = MADD(x1, w, r[n][1]);
      }
    }
    for (int n = 0; n < N; n++) {
      ST(t[n], r[n][0]);
      ST(t[n] + 4, r[n][1]);
    }
    for (int q = 0; q < 8; q++)
      for (int n = 0; n < N; n++) c[(long)(i + q) * N + n] = t[n][q];
  }
  for (; i < M; i++)
    for (int n = 0; n < N; n++) {
      float s = accumulate ? c[(long)i * N + n] : 0.f;
      for (int k = 0; k < K; k++) s += a[i + (long)k * sk] * b[(long)k * N + n];
      c[(long)i * N + n] = s;
    }
}
