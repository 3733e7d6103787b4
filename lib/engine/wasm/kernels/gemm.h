// Matrix products of the training step, over wasm SIMD (relaxed FMA when RELAXED is set).
// Written for the shapes of the four MNIST models: N (output columns) 10..128, K up to 6272.
#pragma once
#include <wasm_simd128.h>

#ifdef RELAXED
#define MADD(a, b, c) wasm_f32x4_relaxed_madd((a), (b), (c))
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))
#endif

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
#define SPLAT(p) wasm_v128_load32_splat(p)

// K is split into chunks so that a chunk of B (kc × N floats) stays in L2 across row blocks.
#define KC 256

// C[M×N] (+)= A·B with A(i, k) = a[i·sa + k·sk] (so A may be a transposed view) and B row-major
// [K×N]. Rows come 4 at a time, columns 8 at a time: 8 accumulators + 2 B vectors + 1
// broadcast fit x64's 16 vector registers, which V8 maps wasm's v128 locals onto.
static void gemm_nn(int M, int N, int K, const float *a, int sa, int sk, const float *b,
                    float *c, int accumulate) {
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kn = K - k0 < KC ? K - k0 : KC;
    int acc = accumulate || k0 > 0;
    const float *bk = b + (long)k0 * N;
    const float *ak = a + (long)k0 * sk;
    for (int i = 0; i < M; i += 4) {
      // A last block of 1–3 rows runs the 4-row kernel on repeats of its last row and
      // stores only the real rows: a 1-row loop has one FMA chain per column block and
      // runs at ~1/8 of the speed (cnn-deep conv1's filter gradient has M = 9 rows).
      int rows = M - i < 4 ? M - i : 4;
      const float *a0 = ak + (long)i * sa;
      const float *a1 = a0 + (rows > 1 ? sa : 0), *a2 = a0 + (rows > 2 ? 2 * sa : 0);
      const float *a3 = a0 + (rows > 3 ? 3 * (long)sa : 0);
      float t1[8], t2[8], t3[8];
      float *c0 = c + (long)i * N;
      float *c1 = rows > 1 ? c0 + N : t1, *c2 = rows > 2 ? c0 + 2 * N : t2;
      float *c3 = rows > 3 ? c0 + 3 * N : t3;
      int ld1 = rows > 1 ? 1 : 0, ld2 = rows > 2 ? 1 : 0, ld3 = rows > 3 ? 1 : 0;
      int j = 0;
      for (; j + 8 <= N; j += 8) {
        v128_t z = wasm_f32x4_splat(0.f);
        // The scratch rows t1..t3 (tail block) hold 8 floats: they are addressed at j = 0.
        int j1 = ld1 ? j : 0, j2 = ld2 ? j : 0, j3 = ld3 ? j : 0;
        v128_t r00 = acc ? LD(c0 + j) : z, r01 = acc ? LD(c0 + j + 4) : z;
        v128_t r10 = acc && ld1 ? LD(c1 + j1) : z, r11 = acc && ld1 ? LD(c1 + j1 + 4) : z;
        v128_t r20 = acc && ld2 ? LD(c2 + j2) : z, r21 = acc && ld2 ? LD(c2 + j2 + 4) : z;
        v128_t r30 = acc && ld3 ? LD(c3 + j3) : z, r31 = acc && ld3 ? LD(c3 + j3 + 4) : z;
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
        ST(c0 + j, r00); ST(c0 + j + 4, r01); ST(c1 + j1, r10); ST(c1 + j1 + 4, r11);
        ST(c2 + j2, r20); ST(c2 + j2 + 4, r21); ST(c3 + j3, r30); ST(c3 + j3 + 4, r31);
      }
      for (; j < N; j++) {  // column tail (N = 10: the output layer), scalar, real rows only
        for (int r = 0; r < rows; r++) {
          const float *ar = ak + (long)(i + r) * sa;
          float *cr = c + (long)(i + r) * N;
          float s0 = acc ? cr[j] : 0.f;
          for (int k = 0; k < kn; k++) s0 += ar[(long)k * sk] * bk[(long)k * N + j];
          cr[j] = s0;
        }
      }
    }
  }
}

static inline float hsum(v128_t v) {
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

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
