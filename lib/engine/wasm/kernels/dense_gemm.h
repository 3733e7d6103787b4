// The input gradient of dense layers whose widths are multiples of 4 (dense.h's dense_fits_nt),
// dX = dz·Wᵀ read straight from the forward kernel W [in×out]. Tried and dropped (2026-12-05,
// standalone): 6-row blocks for x·W and dW = xᵀ·dz, 44–48 µs against gemm_nn's 54–57 with
// compile-time sizes, but 73–81 µs with run-time ones (the engine's): clang then loads all six
// broadcasts ahead of the second column's products (20 live vectors, more than x64's 16); and
// 4-row blocks over the whole K (no faster in the engine).
#pragma once
#include "gemm.h"
#include "gemm_nt.h"

// Four vectors of partial sums → the vector of their four totals, each summed as hsum does.
static inline v128_t hsum4(v128_t s0, v128_t s1, v128_t s2, v128_t s3) {
  v128_t a = wasm_f32x4_add(wasm_i32x4_shuffle(s0, s1, 0, 4, 1, 5),
                            wasm_i32x4_shuffle(s0, s1, 2, 6, 3, 7));
  v128_t b = wasm_f32x4_add(wasm_i32x4_shuffle(s2, s3, 0, 4, 1, 5),
                            wasm_i32x4_shuffle(s2, s3, 2, 6, 3, 7));
  return wasm_f32x4_add(wasm_i64x2_shuffle(a, b, 0, 2), wasm_i64x2_shuffle(a, b, 1, 3));
}

// C[M×N] = A·Bᵀ (A [M×K], B [N×K] row-major) for N and K multiples of 4: 2 rows × 4 columns
// of dot products, their 8 sums reduced 4 at a time into a stored vector (gemm_nt's 4 × 2
// block reduces each sum alone: a quarter of its work at K = 64). An odd last row is
// computed twice and stored once.
static void dense_nt(int M, int N, int K, const float *a, const float *b, float *c) {
  for (int i = 0; i < M; i += 2) {
    const float *a0 = a + (long)i * K, *a1 = i + 1 < M ? a0 + K : a0;
    for (int j = 0; j < N; j += 4) {
      const float *b0 = b + (long)j * K, *b1 = b0 + K, *b2 = b1 + K, *b3 = b2 + K;
      v128_t z = wasm_f32x4_splat(0.f);
      v128_t s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
      for (int k = 0; k < K; k += 4) {
        v128_t x0 = LD(a0 + k), x1 = LD(a1 + k), v;
        v = LD(b0 + k), s00 = MADD(x0, v, s00), s10 = MADD(x1, v, s10);
        v = LD(b1 + k), s01 = MADD(x0, v, s01), s11 = MADD(x1, v, s11);
        v = LD(b2 + k), s02 = MADD(x0, v, s02), s12 = MADD(x1, v, s12);
        v = LD(b3 + k), s03 = MADD(x0, v, s03), s13 = MADD(x1, v, s13);
      }
      ST(c + (long)i * N + j, hsum4(s00, s01, s02, s03));
      if (i + 1 < M) ST(c + (long)(i + 1) * N + j, hsum4(s10, s11, s12, s13));
    }
  }
}
