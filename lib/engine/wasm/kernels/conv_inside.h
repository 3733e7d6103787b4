// Convs whose windows never leave the input (no padding: LeNet-5's conv2, 6 → 16 channels, 5×5,
// 10×10 outputs) need no im2col: a patch row (one kernel row) is a contiguous run of kw·C input
// floats, so the products read the input in place. The forward product and the filter gradient
// (here) add in the order of gemm_nn over the patches (the same floats for K ≤ KC); the input
// gradient goes from registers straight into dX (conv_input_grad.h). LeNet-5's conv2, CPU ms of
// a batch-32 step on one thread (issue 17): forward 0.68 → 0.53, backward 1.26 → 1.02 (1.17
// with only the input gradient's change). 2026-12-05: bias + activation in the forward's
// registers and Wᵀ by 4×4 blocks (conv_input_grad.h), LeNet-5's conv2 0.509 → 0.502 and 1.002 →
// 1.001; the BatchNormalization example's conv2 (6×6×16 → 4×4×32, 3×3, sigmoid) 0.155 → 0.153
// and 0.300 → 0.289, before its forward and filter gradient moved to Winograd
// (winograd_small.h; its input gradient still runs in conv_input_grad.h). These products run at
// ~38 GFLOP/s (filter gradient ~33) where the same 4 × 8 inner loop alone, in L1, runs ~45 and
// 8 independent FMA chains ~59. Tried and dropped (µs a chunk of 11 samples of that conv): 5 or
// 6 pixels × 8 forward blocks 43 → 61–78 (see conv_forward_in_place); the filter gradient over
// a flat pixel loop (an offset table) 49 → 53, unrolled 4 pixels a row 49 → 90 (clang hoists
// the 4 pixels' loads: V8 spills), one loop over (sample, row) 49 → 51; pixel cursors without
// divisions: no change. Also tried for LeNet-5's conv2 (2026-12-05, CPU ms of its backward,
// 0.98): the filter gradient with the window's sizes and CO as constants, no change (the input
// gradient's tries: conv_input_grad.h).
#pragma once
#include "simd.h"
#include "small_ops.h"

// Whether every window lies inside the input (no padding on any side: `same` at stride 2 may
// pad only after the last row or column).
static inline int inside(Window g, int H, int W, int OH, int OW) {
  return g.ph == 0 && g.pw == 0 && (OH - 1) * g.sh + g.kh <= H && (OW - 1) * g.sw + g.kw <= W;
}

// Whether the forward product and the filter gradient read the input in place: windows
// inside, whole 8-filter blocks, rows of ≥ 4 channels (fewer: conv_patches' layouts).
static inline int reads_in_place(Window g, int H, int W, int C, int OH, int OW, int CO) {
  return inside(g, H, W, OH, OW) && CO % 8 == 0 && C >= 4;
}

// The first input float of output pixel p (sample, oh, ow) of a chunk.
static inline const float *pixel_at(const float *in, int p, int H, int W, int C, Window g,
                                    int OH, int OW) {
  int m1 = OH * OW, t = p / m1, oh = p % m1 / OW, ow = p % OW;
  return in + (long)t * H * W * C + ((long)oh * g.sh * W + (long)ow * g.sw) * C;
}

// The 4 × 8 block of conv_forward_in_place: pixels x[0..3] (their windows' first input
// floats, kernel rows rs floats apart) × filters [j, j + 8), bias added, into t.
static inline __attribute__((always_inline)) void in_place_block(const float *const *x,
                                                                  long rs, int KH, int row,
                                                                  const float *b, int CO,
                                                                  const float *bias,
                                                                  float t[4][8]) {
  v128_t s[4][2];
  for (int r = 0; r < 4; r++) s[r][0] = s[r][1] = wasm_f32x4_splat(0.f);
  for (int kh = 0; kh < KH; kh++) {
    const float *x0 = x[0] + kh * rs, *x1 = x[1] + kh * rs, *x2 = x[2] + kh * rs,
                *x3 = x[3] + kh * rs;
    for (int k = 0; k < row; k++, b += CO) {
      v128_t b0 = LD(b), b1 = LD(b + 4), a;
      a = SPLAT(x0 + k); s[0][0] = MADD(a, b0, s[0][0]); s[0][1] = MADD(a, b1, s[0][1]);
      a = SPLAT(x1 + k); s[1][0] = MADD(a, b0, s[1][0]); s[1][1] = MADD(a, b1, s[1][1]);
      a = SPLAT(x2 + k); s[2][0] = MADD(a, b0, s[2][0]); s[2][1] = MADD(a, b1, s[2][1]);
      a = SPLAT(x3 + k); s[3][0] = MADD(a, b0, s[3][0]); s[3][1] = MADD(a, b1, s[3][1]);
    }
  }
  // Out through a buffer: a loop over `rows` that indexed s made clang keep s in memory,
  // stored at every step of k.
  v128_t c0 = LD(bias), c1 = LD(bias + 4);
  for (int r = 0; r < 4; r++)
    ST(t[r], wasm_f32x4_add(s[r][0], c0)), ST(t[r] + 4, wasm_f32x4_add(s[r][1], c1));
}

// out[p][n] = f(bias[n] + Σ over (kh, r < kw·C) of x_p[kh·W·C + r] · W[kh·kw·C + r][n]), 4
// pixels × 8 filters at a time, k ascending (gemm_nn's block over im2col patches, without
// them); bias on the block before it is stored, the activation on the chunk's output after
// (act_map loads its constants once; act4 on the block reloaded them for every vector:
// LeNet-5's conv2 forward 0.488 → 0.472 CPU ms). Wider blocks (5 or 6 pixels × 8) ran
// 1.4–1.6× slower: clang issues a step's broadcasts ahead of its multiply-adds, and with
// more than 8 accumulators V8 then spills.
// LeNet-5's conv2 (5 kernel rows of 30 floats, 16 filters) runs the block with those as
// constants: 0.472 → 0.463.
static void conv_forward_in_place(const float *in, int cs, int H, int W, int C, Window g,
                                  int OH, int OW, const float *w, const float *bias, int act,
                                  float *out, int CO) {
  int row = g.kw * C, m = cs * OH * OW, lenet = g.kh == 5 && row == 30 && CO == 16;
  long rs = (long)W * C;
  for (int i = 0; i < m; i += 4) {
    int rows = m - i < 4 ? m - i : 4;
    const float *x[4];
    for (int r = 0; r < 4; r++) x[r] = pixel_at(in, i + (r < rows ? r : 0), H, W, C, g, OH, OW);
    for (int j = 0; j < CO; j += 8) {
      float t[4][8];
      if (lenet) in_place_block(x, rs, 5, 30, w + j, 16, bias + j, t);
      else in_place_block(x, rs, g.kh, row, w + j, CO, bias + j, t);
      for (int r = 0; r < rows; r++) {
        float *o = out + (long)(i + r) * CO + j;
        ST(o, LD(t[r])), ST(o + 4, LD(t[r] + 4));
      }
    }
  }
  if (act) act_map(out, out, (long)m * CO, act);
}

// dW[k][n] (+)= Σ over the chunk's pixels p, in order, of x_p[off(k)] · dZ[p][n], k = (kh,
// r < kw·C): 4 taps × 8 filters at a time (gemm_nn's block over the patches, without them).
static void conv_filter_grad_in_place(const float *in, int cs, int H, int W, int C, Window g,
                                      int OH, int OW, const float *dz, float *dw, int CO,
                                      int acc) {
  int row = g.kw * C, kdim = g.kh * row;
  long rs = (long)W * C, step = (long)g.sw * C;
  for (int i = 0; i < kdim; i += 4) {
    int rows = kdim - i < 4 ? kdim - i : 4;
    long off[4];
    float *d[4];
    for (int r = 0; r < 4; r++) {
      int k = r < rows ? i + r : i;
      off[r] = (long)(k / row) * rs + k % row, d[r] = dw + (long)k * CO;
    }
    for (int j = 0; j < CO; j += 8) {
      v128_t s[4][2];
      for (int r = 0; r < 4; r++)
        for (int h = 0; h < 2; h++) s[r][h] = acc ? LD(d[r] + j + 4 * h) : wasm_f32x4_splat(0.f);
      const float *b = dz + j;
      for (int t = 0; t < cs; t++)
        for (int oh = 0; oh < OH; oh++) {
          const float *x = in + (long)t * H * W * C + (long)oh * g.sh * rs;
          for (int ow = 0; ow < OW; ow++, x += step, b += CO) {
            v128_t b0 = LD(b), b1 = LD(b + 4), a;
            a = SPLAT(x + off[0]); s[0][0] = MADD(a, b0, s[0][0]); s[0][1] = MADD(a, b1, s[0][1]);
            a = SPLAT(x + off[1]); s[1][0] = MADD(a, b0, s[1][0]); s[1][1] = MADD(a, b1, s[1][1]);
            a = SPLAT(x + off[2]); s[2][0] = MADD(a, b0, s[2][0]); s[2][1] = MADD(a, b1, s[2][1]);
            a = SPLAT(x + off[3]); s[3][0] = MADD(a, b0, s[3][0]); s[3][1] = MADD(a, b1, s[3][1]);
          }
        }
      for (int r = 0; r < rows; r++) ST(d[r] + j, s[r][0]), ST(d[r] + j + 4, s[r][1]);
    }
  }
}
