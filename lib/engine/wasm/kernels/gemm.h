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
    int i = 0;
    for (; i + 4 <= M; i += 4) {
      const float *a0 = ak + (long)i * sa, *a1 = a0 + sa, *a2 = a1 + sa, *a3 = a2 + sa;
      float *c0 = c + (long)i * N, *c1 = c0 + N, *c2 = c1 + N, *c3 = c2 + N;
      int j = 0;
      for (; j + 8 <= N; j += 8) {
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
      for (; j < N; j++) {  // column tail (N = 10: the output layer), scalar
        float s0 = acc ? c0[j] : 0.f, s1 = acc ? c1[j] : 0.f;
        float s2 = acc ? c2[j] : 0.f, s3 = acc ? c3[j] : 0.f;
        for (int k = 0; k < kn; k++) {
          float bv = bk[(long)k * N + j];
          long o = (long)k * sk;
          s0 += a0[o] * bv; s1 += a1[o] * bv; s2 += a2[o] * bv; s3 += a3[o] * bv;
        }
        c0[j] = s0; c1[j] = s1; c2[j] = s2; c3[j] = s3;
      }
    }
    for (; i < M; i++) {  // row tail: 16 columns at a time, four independent FMA chains
      const float *a0 = ak + (long)i * sa;
      float *c0 = c + (long)i * N;
      int j = 0;
      for (; j + 16 <= N; j += 16) {
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
      for (; j + 4 <= N; j += 4) {
        v128_t r = acc ? LD(c0 + j) : wasm_f32x4_splat(0.f);
        for (int k = 0; k < kn; k++) r = MADD(SPLAT(a0 + (long)k * sk), LD(bk + (long)k * N + j), r);
        ST(c0 + j, r);
      }
      for (; j < N; j++) {
        float s = acc ? c0[j] : 0.f;
        for (int k = 0; k < kn; k++) s += a0[(long)k * sk] * bk[(long)k * N + j];
        c0[j] = s;
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
