// Winograd F(2×2, 3×3) for the 3×3 convolutions with many input channels (cnn-deep conv2):
// each 2×2 output tile costs 16 channel-GEMM products instead of 36 multiply-adds per
// channel pair, 1.9× fewer for conv2's forward pass (1.4× for its input gradient, whose
// 13×13 output pads to 14×14). Transforms: Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks" (2016), with B, G, A as in their F(2×2, 3×3).
#pragma once
#include "gemm.h"
#include "activation.h"

// U[ξ][ci][co] = (G·g·Gᵀ)[ξ] for g = the 3×3 kernel of (ci, co), read from W [3][3][C][CO]
// either as is (flip = 0) or rotated by 180° with ci and co swapped (flip = 1: the kernel of
// the input gradient, a convolution of dZ with C and CO exchanged).
static void wino_filter(const float *w, float *u, int C, int CO, int flip) {
  int cin = flip ? CO : C, cout = flip ? C : CO;
  for (int i = 0; i < cin; i++)
    for (int o = 0; o < cout; o++) {
      float g[3][3], t[4][3];
      for (int kh = 0; kh < 3; kh++)
        for (int kw = 0; kw < 3; kw++)
          g[kh][kw] = flip ? w[(((2 - kh) * 3 + (2 - kw)) * C + o) * CO + i]
                           : w[((kh * 3 + kw) * C + i) * CO + o];
      for (int c = 0; c < 3; c++) {
        t[0][c] = g[0][c];
        t[1][c] = 0.5f * (g[0][c] + g[1][c] + g[2][c]);
        t[2][c] = 0.5f * (g[0][c] - g[1][c] + g[2][c]);
        t[3][c] = g[2][c];
      }
      for (int r = 0; r < 4; r++) {
        float v[4] = {t[r][0], 0.5f * (t[r][0] + t[r][1] + t[r][2]),
                      0.5f * (t[r][0] - t[r][1] + t[r][2]), t[r][2]};
        for (int c = 0; c < 4; c++) u[((long)(r * 4 + c) * cin + i) * cout + o] = v[c];
      }
    }
}

// V[ξ][tile][c] = (Bᵀ·d·B)[ξ] for each 2×2-output tile's 4×4 input window d (rows from
// 2·th + off), zero outside the H × W input; vs floats between the ξ planes.
static void wino_input(const float *in, int H, int W, int C, int TH, int TW, int off, float *v,
                       long vs) {
  v128_t z = wasm_f32x4_splat(0.f);
  for (int th = 0; th < TH; th++)
    for (int tw = 0; tw < TW; tw++)
      for (int c = 0; c < C; c += 4) {
        v128_t d[4][4], t[4][4];
        for (int a = 0; a < 4; a++)
          for (int b = 0; b < 4; b++) {
            int ih = 2 * th + off + a, iw = 2 * tw + off + b;
            d[a][b] = ih >= 0 && ih < H && iw >= 0 && iw < W
                          ? LD(in + ((long)ih * W + iw) * C + c) : z;
          }
        for (int b = 0; b < 4; b++) {
          t[0][b] = wasm_f32x4_sub(d[0][b], d[2][b]);
          t[1][b] = wasm_f32x4_add(d[1][b], d[2][b]);
          t[2][b] = wasm_f32x4_sub(d[2][b], d[1][b]);
          t[3][b] = wasm_f32x4_sub(d[1][b], d[3][b]);
        }
        float *vp = v + (long)(th * TW + tw) * C + c;
        for (int a = 0; a < 4; a++) {
          ST(vp + (a * 4 + 0) * vs, wasm_f32x4_sub(t[a][0], t[a][2]));
          ST(vp + (a * 4 + 1) * vs, wasm_f32x4_add(t[a][1], t[a][2]));
          ST(vp + (a * 4 + 2) * vs, wasm_f32x4_sub(t[a][2], t[a][1]));
          ST(vp + (a * 4 + 3) * vs, wasm_f32x4_sub(t[a][1], t[a][3]));
        }
      }
}

// out (OH × OW × CO) = Aᵀ·M·A per 2×2 tile of M[ξ][tile][co] (ms floats between the ξ
// planes), then bias + activation `act` when `bias` is set, else a plain store.
static void wino_output(const float *m, long ms, int TH, int TW, float *out, int OH, int OW,
                        int CO, const float *bias, int act) {
  for (int th = 0; th < TH; th++)
    for (int tw = 0; tw < TW; tw++) {
      const float *mp = m + (long)(th * TW + tw) * CO;
      for (int o = 0; o < CO; o += 4) {
        v128_t s[4][2];
        for (int a = 0; a < 4; a++) {
          v128_t m0 = LD(mp + (a * 4 + 0) * ms + o), m1 = LD(mp + (a * 4 + 1) * ms + o);
          v128_t m2 = LD(mp + (a * 4 + 2) * ms + o), m3 = LD(mp + (a * 4 + 3) * ms + o);
          s[a][0] = wasm_f32x4_add(wasm_f32x4_add(m0, m1), m2);
          s[a][1] = wasm_f32x4_sub(wasm_f32x4_sub(m1, m2), m3);
        }
        for (int r = 0; r < 2; r++)
          for (int q = 0; q < 2; q++) {
            int oh = 2 * th + r, ow = 2 * tw + q;
            if (oh >= OH || ow >= OW) continue;
            v128_t y = r == 0 ? wasm_f32x4_add(wasm_f32x4_add(s[0][q], s[1][q]), s[2][q])
                              : wasm_f32x4_sub(wasm_f32x4_sub(s[1][q], s[2][q]), s[3][q]);
            if (bias) y = act4(wasm_f32x4_add(y, LD(bias + o)), act);
            ST(out + ((long)oh * OW + ow) * CO + o, y);
          }
      }
    }
}

// Samples [0, cs) (H·W·C floats apart): out[oh][ow][·] (OH × OW × CO a sample) =
// Σ in[oh + off + kh][ow + off + kw][·] ⊛ kernel, zero outside the H × W input; u from
// wino_filter. The tiles of `group` samples at a time go through one product per ξ: `v`
// holds 16 × group × tiles × C floats, `m` 16 × group × tiles × CO (group 1: a sample's own
// products, for outputs with tiles enough; see winograd_small.h). Then bias + activation
// `act` when `bias` is set, else a plain store.
static void wino_conv(const float *in, int cs, int group, int H, int W, int C, float *out,
                      int OH, int OW, int CO, int off, const float *u, float *v, float *m,
                      const float *bias, int act) {
  int TH = (OH + 1) / 2, TW = (OW + 1) / 2, tiles = TH * TW;
  for (int s0 = 0; s0 < cs; s0 += group) {
    int g = cs - s0 < group ? cs - s0 : group;
    long vs = (long)g * tiles * C, ms = (long)g * tiles * CO;  // between the 16 ξ planes
    for (int s = 0; s < g; s++)
      wino_input(in + (long)(s0 + s) * H * W * C, H, W, C, TH, TW, off,
                 v + (long)s * tiles * C, vs);
    for (int x = 0; x < 16; x++)
      gemm_nn(g * tiles, CO, C, v + x * vs, C, 1, u + (long)x * C * CO, m + x * ms, 0);
    for (int s = 0; s < g; s++)
      wino_output(m + (long)s * tiles * CO, ms, TH, TW, out + (long)(s0 + s) * OH * OW * CO,
                  OH, OW, CO, bias, act);
  }
}

// M[ξ][tile][co] = (A·dY·Aᵀ)[ξ] for each 2×2 tile of one sample's output gradient dY (zero
// past OH × OW); ms floats between the ξ planes.
static void wino_dy(const float *dy, int OH, int OW, int CO, int TH, int TW, float *m, long ms) {
  v128_t z = wasm_f32x4_splat(0.f);
  for (int th = 0; th < TH; th++)
    for (int tw = 0; tw < TW; tw++)
      for (int o = 0; o < CO; o += 4) {
        v128_t g[2][2], e[4][2];
        for (int r = 0; r < 2; r++)
          for (int q = 0; q < 2; q++) {
            int oh = 2 * th + r, ow = 2 * tw + q;
            g[r][q] = oh < OH && ow < OW ? LD(dy + ((long)oh * OW + ow) * CO + o) : z;
          }
        for (int q = 0; q < 2; q++) {  // A·dY (A = (A^T)^T, 4 × 2)
          e[0][q] = g[0][q];
          e[1][q] = wasm_f32x4_add(g[0][q], g[1][q]);
          e[2][q] = wasm_f32x4_sub(g[0][q], g[1][q]);
          e[3][q] = wasm_f32x4_neg(g[1][q]);
        }
        float *mp = m + (long)(th * TW + tw) * CO + o;
        for (int a = 0; a < 4; a++) {  // ·Aᵀ
          ST(mp + (a * 4 + 0) * ms, e[a][0]);
          ST(mp + (a * 4 + 1) * ms, wasm_f32x4_add(e[a][0], e[a][1]));
          ST(mp + (a * 4 + 2) * ms, wasm_f32x4_sub(e[a][0], e[a][1]));
          ST(mp + (a * 4 + 3) * ms, wasm_f32x4_neg(e[a][1]));
        }
      }
}

// The filter gradient of samples [0, cs) (in: H·W·C floats apart, dy: OH·OW·CO), into
// dU[ξ][ci][co] (added to it when `accumulate`): dU[ξ] += V[ξ]ᵀ · (A·dY·Aᵀ)[ξ], the tiles of
// `group` samples at a time through one product per ξ (v, m as wino_conv's).
static void wino_filter_grad(const float *in, int cs, int group, int H, int W, int C,
                             const float *dy, int OH, int OW, int CO, int off, float *v,
                             float *m, float *du, int accumulate) {
  int TH = (OH + 1) / 2, TW = (OW + 1) / 2, tiles = TH * TW;
  for (int s0 = 0; s0 < cs; s0 += group) {
    int g = cs - s0 < group ? cs - s0 : group;
    long vs = (long)g * tiles * C, ms = (long)g * tiles * CO;
    for (int s = 0; s < g; s++) {
      wino_input(in + (long)(s0 + s) * H * W * C, H, W, C, TH, TW, off,
                 v + (long)s * tiles * C, vs);
      wino_dy(dy + (long)(s0 + s) * OH * OW * CO, OH, OW, CO, TH, TW,
              m + (long)s * tiles * CO, ms);
    }
    for (int x = 0; x < 16; x++)
      gemm_nn(C, CO, g * tiles, v + x * vs, 1, C, m + x * ms, du + (long)x * C * CO,
              accumulate || s0 > 0);
  }
}

// gw [3][3][C][CO] = Gᵀ·dU·G per (ci, co): the filter gradient from the accumulated dU.
static void wino_filter_grad_out(const float *du, float *gw, int C, int CO) {
  long plane = (long)C * CO;
  v128_t h = wasm_f32x4_splat(0.5f);
  for (int i = 0; i < C; i++)
    for (int o = 0; o < CO; o += 4) {
      v128_t t[4][3];
      for (int a = 0; a < 4; a++) {
        const float *p = du + (long)a * 4 * plane + (long)i * CO + o;
        v128_t u0 = LD(p), u1 = LD(p + plane), u2 = LD(p + 2 * plane), u3 = LD(p + 3 * plane);
        v128_t s12 = wasm_f32x4_mul(h, wasm_f32x4_add(u1, u2));
        t[a][0] = wasm_f32x4_add(u0, s12);
        t[a][1] = wasm_f32x4_mul(h, wasm_f32x4_sub(u1, u2));
        t[a][2] = wasm_f32x4_add(s12, u3);
      }
      for (int kw = 0; kw < 3; kw++) {
        v128_t s12 = wasm_f32x4_mul(h, wasm_f32x4_add(t[1][kw], t[2][kw]));
        v128_t r[3] = {wasm_f32x4_add(t[0][kw], s12),
                       wasm_f32x4_mul(h, wasm_f32x4_sub(t[1][kw], t[2][kw])),
                       wasm_f32x4_add(s12, t[3][kw])};
        for (int kh = 0; kh < 3; kh++) ST(gw + ((long)(kh * 3 + kw) * C + i) * CO + o, r[kh]);
      }
    }
}
