// C (+)= A·Bᵀ over wasm SIMD: dot products along K, 4 rows × 2 columns at a time.
#pragma once
#include "simd.h"

// C[M×N] (+)= A·Bᵀ, A row-major [M×K], B row-major [N×K]: dot products along K. This is the
// input gradient dX = dZ·Wᵀ read straight from the forward kernel W [in×out] (no transpose).
static void gemm_nt(int M, int N, int K, const float *a, const float *b, float *c,
                    int accumulate) {
  int k4 = K & ~3;
  for (int i = 0; i < M; i += 4) {
    int rows = M - i < 4 ? M - i : 4;
    const float *ar[4];
    for (int r = 0; r < 4; r++) ar[r] = a + (long)(i + (r < rows ? r : 0)) * K;
    for (int j = 0; j < N; j += 2) {
      const float *b0 = b + (long)j * K, *b1 = j + 1 < N ? b0 + K : b0;
      v128_t z = wasm_f32x4_splat(0.f);
      v128_t s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
      for (int k = 0; k < k4; k += 4) {
        v128_t v0 = LD(b0 + k), v1 = LD(b1 + k), x;
        x = LD(ar[0] + k); s00 = MADD(x, v0, s00); s01 = MADD(x, v1, s01);
        x = LD(ar[1] + k); s10 = MADD(x, v0, s10); s11 = MADD(x, v1, s11);
        x = LD(ar[2] + k); s20 = MADD(x, v0, s20); s21 = MADD(x, v1, s21);
        x = LD(ar[3] + k); s30 = MADD(x, v0, s30); s31 = MADD(x, v1, s31);
      }
      float d[4][2] = {{hsum(s00), hsum(s01)}, {hsum(s10), hsum(s11)},
                       {hsum(s20), hsum(s21)}, {hsum(s30), hsum(s31)}};
      for (int k = k4; k < K; k++) {
        for (int r = 0; r < 4; r++) {
          d[r][0] += ar[r][k] * b0[k];
          d[r][1] += ar[r][k] * b1[k];
        }
      }
      for (int r = 0; r < rows; r++) {
        float *cr = c + (long)(i + r) * N + j;
        cr[0] = accumulate ? cr[0] + d[r][0] : d[r][0];
        if (j + 1 < N) cr[1] = accumulate ? cr[1] + d[r][1] : d[r][1];
      }
    }
  }
}
