// Winograd F(2×2, 3×3) for convs with small outputs (kinds/conv2d.ts: usesWinogradForward,
// 16 to 63 output pixels, e.g. the BatchNormalization example's conv2, 4×4): a sample has
// too few tiles (4) for products of its own, so the tiles of up to WINO_GROUP samples go
// through one product per ξ (V and M hold 16 × WINO_GROUP × tiles × C or CO floats). The
// forward and the filter gradient run here; the input gradient stays direct (conv_input_grad.h:
// on the 2-padded output gradient Winograd does as many multiply-adds as the direct sum).
// That conv, CPU ms of a batch-32 step on one thread, 2026-12-05: forward 0.155 (direct) →
// 0.125 (wino_conv per sample) → 0.117 (grouped); backward 0.300 (direct) → 0.226 (this
// filter gradient; Winograd's input gradient as well made it 0.336).
#pragma once
#include "winograd.h"

// Samples per product in wino_filter_grad_group (WINO_GROUP in kinds/conv2d.ts). The
// BatchNormalization example's conv2 backward, CPU ms of a batch-32 step on one thread (chunks
// of 10–11 samples), 2026-12-05: 0.237 with 4, 0.230 with 5 or 6, 0.254 with 8 (8 + 2 or 3),
// 0.225 with 11 or 14, but 0.247 with 16 (the planes' offsets then fall on large powers of
// two: cache aliasing, we think); the direct kernels took 0.289.
#define WINO_GROUP 14

// The filter gradient of samples [0, cs), accumulated into dU as wino_filter_grad_acc's.
static void wino_filter_grad_group(const float *in, int cs, int H, int W, int C,
                                   const float *dy, int OH, int OW, int CO, int off, float *v,
                                   float *m, float *du, int accumulate) {
  int TH = (OH + 1) / 2, TW = (OW + 1) / 2, tiles = TH * TW;
  for (int s0 = 0; s0 < cs; s0 += WINO_GROUP) {
    int g = cs - s0 < WINO_GROUP ? cs - s0 : WINO_GROUP;
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


// The forward of samples [0, cs) as wino_conv's, group by group.
static void wino_conv_group(const float *in, int cs, int H, int W, int C, float *out, int OH,
                            int OW, int CO, int off, const float *u, float *v, float *m,
                            const float *bias, int act) {
  int TH = (OH + 1) / 2, TW = (OW + 1) / 2, tiles = TH * TW;
  for (int s0 = 0; s0 < cs; s0 += WINO_GROUP) {
    int g = cs - s0 < WINO_GROUP ? cs - s0 : WINO_GROUP;
    long vs = (long)g * tiles * C, ms = (long)g * tiles * CO;
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

// The Winograd forward of samples [s0, s1): by groups for small outputs, else per sample.
static void wino_forward(const float *in, int s0, int s1, int H, int W, int C, float *out,
                         int OH, int OW, int CO, int off, int small, const float *u, float *v,
                         float *m, const float *bias, int act) {
  long is = (long)H * W * C, os = (long)OH * OW * CO;
  if (small) {
    wino_conv_group(in + s0 * is, s1 - s0, H, W, C, out + s0 * os, OH, OW, CO, off, u, v, m,
                    bias, act);
    return;
  }
  for (int s = s0; s < s1; s++)
    wino_conv(in + s * is, H, W, C, out + s * os, OH, OW, CO, off, u, v, m, bias, act);
}
