// Winograd F(2×2, 3×3) for convs with small outputs (kinds/conv2d.ts: usesWinogradForward,
// 16 to 63 output pixels, e.g. the BatchNormalization example's conv2, 4×4): a sample has
// too few tiles (4) for products of its own, so the tiles of up to WINO_GROUP samples go
// through one product per ξ (wino_conv and wino_filter_grad of winograd.h with this group).
// The forward and the filter gradient run so; the input gradient stays direct (conv_input_grad.h:
// on the 2-padded output gradient Winograd does as many multiply-adds as the direct sum).
// That conv, CPU ms of a batch-32 step on one thread, 2026-12-05: forward 0.155 (direct) →
// 0.125 (wino_conv per sample) → 0.117 (grouped); backward 0.300 (direct) → 0.226 (this
// filter gradient; Winograd's input gradient as well made it 0.336).
#pragma once
#include "winograd.h"

// Samples per product of a small conv's wino_conv and wino_filter_grad (WINO_GROUP in
// kinds/conv2d.ts). The BatchNormalization example's conv2 backward, CPU ms of a batch-32
// step on one thread (chunks of 10–11 samples), 2026-12-05: 0.237 with 4, 0.230 with 5 or 6,
// 0.254 with 8 (8 + 2 or 3), 0.225 with 11 or 14, but 0.247 with 16 (the planes' offsets then
// fall on large powers of two: cache aliasing, we think); the direct kernels took 0.289.
#define WINO_GROUP 14

// The Winograd forward of samples [s0, s1): by groups of WINO_GROUP samples for small
// outputs, else sample by sample.
static void wino_forward(const float *in, int s0, int s1, int H, int W, int C, float *out,
                         int OH, int OW, int CO, int off, int small, const float *u, float *v,
                         float *m, const float *bias, int act) {
  long is = (long)H * W * C, os = (long)OH * OW * CO;
  wino_conv(in + s0 * is, s1 - s0, small ? WINO_GROUP : 1, H, W, C, out + s0 * os, OH, OW, CO,
            off, u, v, m, bias, act);
}
