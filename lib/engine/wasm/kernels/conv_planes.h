// The padded-plane path of a 1-channel stride-1 conv (LeNet-5's conv1): each sample is
// copied once into a zero-padded plane (pad_plane) that every tap reads directly, with no
// im2col; here the planes, the forward's row blocks (conv_patches.h's conv_forward runs them)
// and the filter gradient over the planes.
#pragma once
#include "simd.h"
#include "small_ops.h"
#include "conv_transpose6.h"

// One sample of a 1-channel input into a PH × PW plane, zero around it (ph rows above, pw
// columns left, as the conv's padding puts them).
static void pad_plane(const float *in, int H, int W, Window g, int PH, int PW, float *plane) {
  for (int r = 0; r < PH; r++) {
    int ih = r - g.ph, lo = g.pw, hi = g.pw + W;
    if (hi > PW) hi = PW;
    float *row = plane + (long)r * PW;
    if (ih < 0 || ih >= H) {
      zero_run(row, PW);
      continue;
    }
    zero_run(row, lo);
    copy_run(row + lo, in + (long)ih * W, hi - lo);
    zero_run(row + hi, PW - hi);
  }
}

// Whether a conv's input goes to padded planes instead of im2col patches (see conv_patches).
static inline int uses_planes(int C, Window g, int OW, int CO) {
  return C == 1 && g.sh == 1 && g.sw == 1 && OW % 4 == 0 && g.kh * g.kw >= CO;
}

// Output columns [ow, ow + cols) (cols 4 or 8) of output row oh of a sample's padded plane
// (rows PW floats apart) through a KH × KW kernel of CO ≤ 6 filters.
static inline __attribute__((always_inline)) void plane_block(const float *p, int PW, int oh,
                                                               int ow, int cols, int OW,
                                                               int KH, int KW, const float *w,
                                                               const float *bias, float *out,
                                                               int CO) {
  v128_t r[6][2];
  for (int n = 0; n < 6; n++) r[n][0] = r[n][1] = wasm_f32x4_splat(0.f);
  for (int kh = 0; kh < KH; kh++)
    for (int kw = 0; kw < KW; kw++) {
      const float *x = p + (long)(oh + kh) * PW + ow + kw;
      const float *wk = w + (long)(kh * KW + kw) * CO;
      v128_t x0 = LD(x), x1 = cols == 8 ? LD(x + 4) : x0;
      for (int n = 0; n < 6 && n < CO; n++) {
        v128_t wn = SPLAT(wk + n);
        r[n][0] = MADD(x0, wn, r[n][0]);
        if (cols == 8) r[n][1] = MADD(x1, wn, r[n][1]);
      }
    }
  // Bias on the tile's vectors; the activation follows on the whole sample (act_map).
  float tile[6][8];
  for (int n = 0; n < CO; n++) {
    v128_t b = SPLAT(bias + n);
    ST(tile[n], wasm_f32x4_add(r[n][0], b));
    if (cols == 8) ST(tile[n] + 4, wasm_f32x4_add(r[n][1], b));
  }
  float *o = out + ((long)oh * OW + ow) * CO;
  if (CO == 6) {
    for (int h = 0; h < cols; h += 4)
      untranspose_6x4(LD(tile[0] + h), LD(tile[1] + h), LD(tile[2] + h), LD(tile[3] + h),
                      LD(tile[4] + h), LD(tile[5] + h), o + 6 * h);
    return;
  }
  for (int q = 0; q < cols; q++)
    for (int n = 0; n < CO; n++) o[q * CO + n] = tile[n][q];
}

// One output row, 8 columns at a time: a last block of 4 columns (OW = 28: 3 × 8 + 4) runs
// alone; other tails overlap the previous block (plain stores of the same floats). Inlined
// with LeNet-5's 5 × 5 × 6 kernel as constants, the tap loops unroll with constant offsets
// and the block widths are constants: its conv1 forward 0.403 → 0.337 CPU ms a batch-32
// step on one thread (2026-12-05; 0.340 with the kernel's sizes alone constant).
static inline __attribute__((always_inline)) void plane_row(const float *p, int PW, int oh,
                                                             int OW, int KH, int KW,
                                                             const float *w,
                                                             const float *bias, float *out,
                                                             int CO) {
  int ow = 0;
  for (; ow + 8 <= OW; ow += 8) plane_block(p, PW, oh, ow, 8, OW, KH, KW, w, bias, out, CO);
  if (OW - ow == 4) plane_block(p, PW, oh, ow, 4, OW, KH, KW, w, bias, out, CO);
  else if (ow < OW) plane_block(p, PW, oh, OW - 8, 8, OW, KH, KW, w, bias, out, CO);
}

// dW[tap][n] (+)= Σ over samples t and output pixels (oh, ow) of
// plane_t[oh + kh][ow + kw] · dZᵀ[n][t·OH·OW + oh·OW + ow]: 5 (or 4) taps × 2 filters at a
// time, 4 output columns per vector (OW % 4 = 0), partial sums per lane then added across.
static void planes_filter_grad(const float *planes, int cs, Window g, int OH, int OW, int CO,
                               const float *dzt, float *dw, int acc) {
  int PW = OW + g.kw - 1, taps = g.kh * g.kw;
  long plane = (long)(OH + g.kh - 1) * PW, m1 = (long)OH * OW, m = cs * m1;
  // 5 taps a group when they divide evenly (5×5: none padded; 4 a group left 3 of 28 idle:
  // conv1 backward 0.34 → 0.29 ms); otherwise 4, and the fifth accumulator repeats the first.
  int tg = taps % 5 == 0 ? 5 : 4;
  for (int k0 = 0; k0 < taps; k0 += tg) {
    long off[5];
    for (int r = 0; r < 5; r++) {
      int k = k0 + r < taps && r < tg ? k0 + r : k0;
      off[r] = (long)(k / g.kw) * PW + k % g.kw;
    }
    for (int n0 = 0; n0 < CO; n0 += 2) {
      int n1 = n0 + 1 < CO ? n0 + 1 : n0;
      v128_t z = wasm_f32x4_splat(0.f);
      v128_t s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
      v128_t s40 = z, s41 = z;
      for (int t = 0; t < cs; t++)
        for (int oh = 0; oh < OH; oh++) {
          const float *a = planes + t * plane + (long)oh * PW;
          const float *b0 = dzt + n0 * m + t * m1 + (long)oh * OW, *b1 = b0 + (n1 - n0) * m;
          for (int ow = 0; ow < OW; ow += 4) {
            v128_t v0 = LD(b0 + ow), v1 = LD(b1 + ow), x;
            x = LD(a + off[0] + ow); s00 = MADD(x, v0, s00); s01 = MADD(x, v1, s01);
            x = LD(a + off[1] + ow); s10 = MADD(x, v0, s10); s11 = MADD(x, v1, s11);
            x = LD(a + off[2] + ow); s20 = MADD(x, v0, s20); s21 = MADD(x, v1, s21);
            x = LD(a + off[3] + ow); s30 = MADD(x, v0, s30); s31 = MADD(x, v1, s31);
            x = LD(a + off[4] + ow); s40 = MADD(x, v0, s40); s41 = MADD(x, v1, s41);
          }
        }
      float d[5][2] = {{hsum(s00), hsum(s01)}, {hsum(s10), hsum(s11)},
                       {hsum(s20), hsum(s21)}, {hsum(s30), hsum(s31)},
                       {hsum(s40), hsum(s41)}};
      for (int r = 0; r < tg && k0 + r < taps; r++) {
        float *o = dw + (long)(k0 + r) * CO;
        o[n0] = acc ? o[n0] + d[r][0] : d[r][0];
        if (n1 != n0) o[n1] = acc ? o[n1] + d[r][1] : d[r][1];
      }
    }
  }
}

