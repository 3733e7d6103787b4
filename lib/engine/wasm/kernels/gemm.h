// C (+)= A·B, the matrix product of the training step, over wasm SIMD (simd.h's macros).
// Written for the shapes of the four MNIST models: N (output columns) 10..128, K up to 6272.
// N ≤ 6 with adjacent rows of A goes to gemm_rows_small_n (gemm_small.h); C (+)= A·Bᵀ is
// gemm_nt (gemm_nt.h).
#pragma once
#include "simd.h"
#include "gemm_small.h"

// K is split into chunks so that a chunk of B (kc × N floats) stays in L2 across row blocks.
#define KC 256

// B's last N % 8 columns, zero-padded to 8 per row (kn rows), so the column tail runs on
// the same 4×8 block as the rest instead of scalar code: conv1 of LeNet-5 (N = 6) and its
// filter gradient ran at ~1 GFLOP/s scalar, the padded block at 3/4 of the full one's rate.
static void pack_tail(const float *b, int N, int j0, int kn, float *bt) {
  for (int k = 0; k < kn; k++)
    for (int q = 0; q < 8; q++) bt[k * 8 + q] = j0 + q < N ? b[(long)k * N + j0 + q] : 0.f;
}

// Rows a0..a3 × the packed tail columns [j0, N) of C (w = 4 or 8 padded lanes, cols ≤ w
// valid ones), over kn steps of k; C's valid entries are loaded and stored one by one.
static void tail_block(const float *a[4], long sk, int kn, const float *bt, int w, float *c[4],
                       int rows, int j0, int cols, int acc) {
  float t[4][8] = {{0}};
  for (int r = 0; r < rows; r++)
    for (int q = 0; q < cols && acc; q++) t[r][q] = c[r][j0 + q];
  v128_t r00 = LD(t[0]), r10 = LD(t[1]), r20 = LD(t[2]), r30 = LD(t[3]);
  v128_t r01 = LD(t[0] + 4), r11 = LD(t[1] + 4), r21 = LD(t[2] + 4), r31 = LD(t[3] + 4);
  if (w == 4) {
    for (int k = 0; k < kn; k++, bt += 8) {
      v128_t b0 = LD(bt);
      long o = (long)k * sk;
      r00 = MADD(SPLAT(a[0] + o), b0, r00); r10 = MADD(SPLAT(a[1] + o), b0, r10);
      r20 = MADD(SPLAT(a[2] + o), b0, r20); r30 = MADD(SPLAT(a[3] + o), b0, r30);
    }
  } else {
    for (int k = 0; k < kn; k++, bt += 8) {
      v128_t b0 = LD(bt), b1 = LD(bt + 4);
      long o = (long)k * sk;
      v128_t x = SPLAT(a[0] + o);
      r00 = MADD(x, b0, r00); r01 = MADD(x, b1, r01);
      x = SPLAT(a[1] + o);
      r10 = MADD(x, b0, r10); r11 = MADD(x, b1, r11);
      x = SPLAT(a[2] + o);
      r20 = MADD(x, b0, r20); r21 = MADD(x, b1, r21);
      x = SPLAT(a[3] + o);
      r30 = MADD(x, b0, r30); r31 = MADD(x, b1, r31);
    }
  }
  ST(t[0], r00); ST(t[1], r10); ST(t[2], r20); ST(t[3], r30);
  ST(t[0] + 4, r01); ST(t[1] + 4, r11); ST(t[2] + 4, r21); ST(t[3] + 4, r31);
  for (int r = 0; r < rows; r++)
    for (int q = 0; q < cols; q++) c[r][j0 + q] = t[r][q];
}

// Columns [j, N) of rows a0..a3 in 8-column blocks of B (row stride N).
static void block_4x8(const float *a0, const float *a1, const float *a2, const float *a3,
                      long sk, int kn, const float *bk, int N, float *c0, float *c1, float *c2,
                      float *c3, int j, int acc) {
  v128_t z = wasm_f32x4_splat(0.f);
  v128_t r00 = acc ? LD(c0 + j) : z, r01 = acc ? LD(c0 + j + 4) : z;
  v128_t r10 = acc ? LD(c1 + j) : z, r11 = acc ? LD(c1 + j + 4) : z;
  v128_t r20 = acc ? LD(c2 + j) : z, r21 = acc ? LD(c2 + j + 4) : z;
  v128_t r30 = acc ? LD(c3 + j) : z, r31 = acc ? LD(c3 + j + 4) : z;
  const float *bp = bk + j;
  for (int k = 0; k < kn; k++, bp += N) {
    v128_t b0 = LD(bp), b1 = LD(bp + 4);
    long o = (long)k * sk;
    v128_t x = SPLAT(a0 + o);
    r00 = MADD(x, b0, r00); r01 = MADD(x, b1, r01);
    x = SPLAT(a1 + o);
    r10 = MADD(x, b0, r10); r11 = MADD(x, b1, r11);
    x = SPLAT(a2 + o);
    r20 = MADD(x, b0, r20); r21 = MADD(x, b1, r21);
    x = SPLAT(a3 + o);
    r30 = MADD(x, b0, r30); r31 = MADD(x, b1, r31);
  }
  ST(c0 + j, r00); ST(c0 + j + 4, r01); ST(c1 + j, r10); ST(c1 + j + 4, r11);
  ST(c2 + j, r20); ST(c2 + j + 4, r21); ST(c3 + j, r30); ST(c3 + j + 4, r31);
}

// One row of C over columns [0, j8) (8-column blocks, 16 at a time: four independent FMA
// chains), then the packed tail.
static void row_1(const float *a0, long sk, int kn, const float *bk, int N, int j8,
                  const float *bt, float *c0, int acc) {
  int j = 0;
  for (; j + 16 <= j8; j += 16) {
    v128_t z = wasm_f32x4_splat(0.f);
    v128_t r0 = acc ? LD(c0 + j) : z, r1 = acc ? LD(c0 + j + 4) : z;
    v128_t r2 = acc ? LD(c0 + j + 8) : z, r3 = acc ? LD(c0 + j + 12) : z;
    const float *bp = bk + j;
    for (int k = 0; k < kn; k++, bp += N) {
      v128_t x = SPLAT(a0 + (long)k * sk);
      r0 = MADD(x, LD(bp), r0); r1 = MADD(x, LD(bp + 4), r1);
      r2 = MADD(x, LD(bp + 8), r2); r3 = MADD(x, LD(bp + 12), r3);
    }
    ST(c0 + j, r0); ST(c0 + j + 4, r1); ST(c0 + j + 8, r2); ST(c0 + j + 12, r3);
  }
  for (; j < j8; j += 4) {
    v128_t r = acc ? LD(c0 + j) : wasm_f32x4_splat(0.f);
    for (int k = 0; k < kn; k++) r = MADD(SPLAT(a0 + (long)k * sk), LD(bk + (long)k * N + j), r);
    ST(c0 + j, r);
  }
  if (j8 < N) {
    const float *a[4] = {a0, a0, a0, a0};
    float *c[4] = {c0, c0, c0, c0};
    tail_block(a, sk, kn, bt, N - j8 <= 4 ? 4 : 8, c, 1, j8, N - j8, acc);
  }
}

// C[M×N] (+)= A·B with A(i, k) = a[i·sa + k·sk] (so A may be a transposed view) and B row-major
// [K×N]. Rows come 4 at a time, columns 8 at a time: 8 accumulators + 2 B vectors + 1
// broadcast fit x64's 16 vector registers, which V8 maps wasm's v128 locals onto. The last
// N % 8 columns run on a zero-padded copy of B's (8 KiB of stack per K chunk).
static void gemm_nn(int M, int N, int K, const float *a, int sa, int sk, const float *b,
                    float *c, int accumulate) {
  if (sa == 1 && N <= 6 && M >= 8) {
    // A constant N lets clang keep the 12 accumulators in registers (LeNet-5: N = 6).
    if (N == 6) gemm_rows_small_n(M, 6, K, a, sk, b, c, accumulate);
    else gemm_rows_small_n(M, N, K, a, sk, b, c, accumulate);
    return;
  }
  float bt[KC * 8];
  int j8 = N & ~7, tail = N - j8, w = tail <= 4 ? 4 : 8;
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kn = K - k0 < KC ? K - k0 : KC;
    int acc = accumulate || k0 > 0;
    const float *bk = b + (long)k0 * N;
    const float *ak = a + (long)k0 * sk;
    if (tail) pack_tail(bk, N, j8, kn, bt);
    int i = 0;
    for (; i + 4 <= M; i += 4) {
      const float *a0 = ak + (long)i * sa, *a1 = a0 + sa, *a2 = a1 + sa, *a3 = a2 + sa;
      float *c0 = c + (long)i * N, *c1 = c0 + N, *c2 = c1 + N, *c3 = c2 + N;
      for (int j = 0; j < j8; j += 8) block_4x8(a0, a1, a2, a3, sk, kn, bk, N, c0, c1, c2, c3, j, acc);
      if (tail) {
        const float *ar[4] = {a0, a1, a2, a3};
        float *cr[4] = {c0, c1, c2, c3};
        tail_block(ar, sk, kn, bt, w, cr, 4, j8, tail, acc);
      }
    }
    for (; i < M; i++) row_1(ak + (long)i * sa, sk, kn, bk, N, j8, bt, c + (long)i * N, acc);
  }
}
