// The 1-channel conv's filter and bias gradient (conv_one_channel.h; the conv reads the
// model's input, so it has no input gradient): 3 taps of a kernel column × 8 filters, each
// pixel's dZ vectors against its splatted input (3 × 16 spilled: 41 → 57 µs; all 9 taps × 4
// filters: 47 µs). The BatchNormalization example's conv1, CPU ms of a batch-32 step on one
// thread (2026-12-05): filter (and bias) gradient 0.111 → 0.059.
#pragma once
#include "conv_one_channel.h"

// Output rows (or columns) [*lo, *hi) whose taps k0 … k0 + n − 1 all lie inside the input.
static inline void inside_range(int O, int s, int p, int k0, int n, int size, int *lo,
                                int *hi) {
  int a = 0, b = O;
  while (a < O && a * s - p + k0 < 0) a++;
  while (b > a && (b - 1) * s - p + k0 + n > size) b--;
  *lo = a, *hi = b;
}

// dW[k0 + q, kw, j … j + 4·nv) (+)= Σ over the samples' pixels of x · dZ, q < G: each
// pixel's dZ vectors against the splatted input of G taps of one kernel column. Their input
// columns are all inside or all padding, so the pixel loops never test; rows where some of
// the taps read padding go after the others, tap by tap. (Taps of a kernel row instead: the
// last column's pixel in a loop of its own cost 1/5 of the pass.)
ONE_INLINE void grad_block(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                           const float *dz, int CO, int kw, int k0, int G, int j, int nv,
                           float *dw, int acc) {
  v128_t s[3][2];
  float *d = dw + (long)(k0 * g.kw + kw) * CO + j;
  long dq = (long)g.kw * CO;
  for (int q = 0; q < G; q++)
    for (int v = 0; v < nv; v++) s[q][v] = acc ? LD(d + q * dq + 4 * v) : wasm_f32x4_splat(0.f);
  int r0, r1, c0, c1;
  inside_range(OH, g.sh, g.ph, k0, G, H, &r0, &r1);
  inside_range(OW, g.sw, g.pw, kw, 1, W, &c0, &c1);
  for (int t = 0; t < cs; t++)
    for (int oh = r0; oh < r1; oh++) {
      const float *x = corner(in, t, oh, 0, H, W, g) + (long)k0 * W + kw;
      const float *z = dz + ((long)t * OH + oh) * OW * CO + j;
      for (int ow = c0; ow < c1; ow++) {
        const float *a = x + ow * g.sw, *b = z + ow * CO;
        v128_t b0 = LD(b), b1 = nv == 2 ? LD(b + 4) : b0;
        for (int q = 0; q < G; q++) {
          v128_t sp = SPLAT(a + (long)q * W);
          s[q][0] = MADD(sp, b0, s[q][0]);
          if (nv == 2) s[q][1] = MADD(sp, b1, s[q][1]);
        }
      }
    }
  for (int t = 0; t < cs; t++)
    for (int oh = r0 > 0 ? 0 : r1; oh < OH; oh = oh + 1 == r0 ? r1 : oh + 1)
      for (int q = 0; q < G; q++) {
        int ih = oh * g.sh - g.ph + k0 + q;
        if (ih < 0 || ih >= H) continue;
        const float *x = corner(in, t, oh, 0, H, W, g) + (long)(k0 + q) * W + kw;
        const float *z = dz + ((long)t * OH + oh) * OW * CO + j;
        for (int ow = c0; ow < c1; ow++) {
          v128_t sp = SPLAT(x + ow * g.sw);
          for (int v = 0; v < nv; v++) s[q][v] = MADD(sp, LD(z + ow * CO + 4 * v), s[q][v]);
        }
      }
  for (int q = 0; q < G; q++)
    for (int v = 0; v < nv; v++) ST(d + q * dq + 4 * v, s[q][v]);
}

// One kernel column's taps k0 … k0 + G − 1 (G ≤ 3) × all CO filters: blocks of 8, then 4.
ONE_INLINE void grad_taps(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                          const float *dz, int CO, int kw, int k0, int G, float *dw, int acc) {
  int j = 0;
  for (; j + 8 <= CO; j += 8) grad_block(in, cs, H, W, g, OH, OW, dz, CO, kw, k0, G, j, 2, dw, acc);
  if (j < CO) grad_block(in, cs, H, W, g, OH, OW, dz, CO, kw, k0, G, j, 1, dw, acc);
}

// conv_one_channel_filter_grad's passes (CO a constant where the caller makes it one).
ONE_INLINE void grad_all(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                         const float *dz, float *dw, int CO, int acc) {
  for (int kw = 0; kw < g.kw; kw++)
    for (int k0 = 0; k0 < g.kh; k0 += 3) {
      int G = g.kh - k0;
      if (G >= 3) grad_taps(in, cs, H, W, g, OH, OW, dz, CO, kw, k0, 3, dw, acc);
      else if (G == 2) grad_taps(in, cs, H, W, g, OH, OW, dz, CO, kw, k0, 2, dw, acc);
      else grad_taps(in, cs, H, W, g, OH, OW, dz, CO, kw, k0, 1, dw, acc);
    }
}
ONE_OUTLINE void grad_16(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                         const float *dz, float *dw, int acc) {
  grad_all(in, cs, H, W, g, OH, OW, dz, dw, 16, acc);
}
ONE_OUTLINE void grad_any(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                          const float *dz, float *dw, int CO, int acc) {
  grad_all(in, cs, H, W, g, OH, OW, dz, dw, CO, acc);
}

// dW (+)= Σ over the cs samples' output pixels of x[tap] · dZ (the conv has no input
// gradient to make: it reads the model's input).
static void conv_one_channel_filter_grad(const float *in, int cs, int H, int W, Window g,
                                         int OH, int OW, const float *dz, float *dw, int CO,
                                         int acc) {
  if (CO == 16) grad_16(in, cs, H, W, g, OH, OW, dz, dw, acc);
  else grad_any(in, cs, H, W, g, OH, OW, dz, dw, CO, acc);
}
