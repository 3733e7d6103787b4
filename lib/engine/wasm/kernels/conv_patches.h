// The conv2d kind's data movement and products around the GEMMs (kernels/conv2d.h runs
// them): im2col in the layout that suits the channel count, the forward product, and the
// filter gradient. A 1-channel input at stride 1 (LeNet-5's conv1) skips im2col: its samples
// are copied once into zero-padded planes that every tap reads directly (conv_planes.h).
#pragma once
#include "gemm.h"
#include "gemm_nt.h"
#include "small_ops.h"
#include "conv_transpose6.h"
#include "conv_planes.h"

// row[ow] = x[2·ow] for ow in [lo, hi) (a 1-channel stride-2 tap row, e.g. the
// BatchNormalization example's conv1): 4 at a time from two loads and one shuffle, while
// the loads stay on columns before x[2·(hi − 1)]. That conv, per step: forward 0.160 →
// 0.134 CPU ms, filter gradient 0.132 → 0.111 (its im2col is built again there).
static inline void even_run(float *row, const float *x, int lo, int hi) {
  int ow = lo;
  for (; ow + 4 < hi; ow += 4) {
    const float *s = x + 2L * ow;
    ST(row + ow, wasm_i32x4_shuffle(LD(s), LD(s + 4), 0, 2, 4, 6));
  }
  for (; ow < hi; ow++) row[ow] = x[2L * ow];
}

// im2col of samples [0, cs) (each `plane` = H·W·C floats apart) for the conv's GEMMs, as
// the view A(m, k) = p[m·sa + k·sk] of m = (sample, oh, ow), k = (kh, kw, c). With C < 4
// channels a patch row is too short to move well (LeNet-5's conv1: 5 floats), so the
// patches are stored transposed, p[k][m]: for one tap and one output row, a run of the input
// row (contiguous for C = 1 and stride 1), about 8× faster to build for conv1.
static void im2col_patches(const float *in, float *p, int cs, int H, int W, int C, Window g,
                           int OH, int OW, int *sa, int *sk) {
  long m1 = (long)OH * OW, kdim = (long)g.kh * g.kw * C;
  if (C >= 4) {
    for (int t = 0; t < cs; t++)
      patches((float *)in + (long)t * H * W * C, p + t * m1 * kdim, H, W, C, g, OH, OW, 1);
    *sa = (int)kdim, *sk = 1;
    return;
  }
  long ld = cs * m1;
  for (int kh = 0; kh < g.kh; kh++)
    for (int kw = 0; kw < g.kw; kw++) {
      // Output columns whose input column is inside: [lo, hi).
      int lo = 0, hi = OW;
      while (lo < OW && lo * g.sw + kw - g.pw < 0) lo++;
      while (hi > lo && (hi - 1) * g.sw + kw - g.pw >= W) hi--;
      for (int c = 0; c < C; c++) {
        float *row = p + ((long)(kh * g.kw + kw) * C + c) * ld;
        for (int t = 0; t < cs; t++)
          for (int oh = 0; oh < OH; oh++, row += OW) {
            int ih = oh * g.sh + kh - g.ph;
            if (ih < 0 || ih >= H) {
              zero_run(row, OW);
              continue;
            }
            const float *x = in + (long)t * H * W * C + ((long)ih * W + kw - g.pw) * C + c;
            zero_run(row, lo);
            if (C == 1 && g.sw == 1) copy_run(row + lo, x + lo, hi - lo);
            else if (C == 1 && g.sw == 2) even_run(row, x, lo, hi);
            else for (int ow = lo; ow < hi; ow++) row[ow] = x[(long)ow * g.sw * C];
            zero_run(row + hi, OW - hi);
          }
      }
    }
  *sa = 1, *sk = (int)ld;
}

// A conv's forward product out[m][n] = Σ_k P[m][k]·W[k][n] for samples [0, cs). A 1-channel
// input at stride 1 with ≤ 6 filters and ≥ 8 output columns (LeNet-5's conv1) skips im2col:
// each sample is copied once into a zero-padded plane (in `p`) and every tap reads 8 output
// columns straight from its rows, in the k order and with the arithmetic of
// gemm_rows_small_n, so the outputs are the same floats; the last block of a row overlaps the
// previous one (plain stores). Anything else: im2col, then gemm_nn. Then out = f(out + bias),
// f on a plane's whole output (act_map loads its constants once; act4 in the tile reloaded
// them for every vector: conv1 forward 0.415 → 0.403).
static void conv_forward(const float *in, float *p, int cs, int H, int W, int C, Window g,
                         int OH, int OW, const float *w, const float *bias, int act,
                         float *out, int CO) {
  if (C != 1 || g.sh != 1 || g.sw != 1 || CO > 6 || OW < 8) {
    int sa, sk;
    im2col_patches(in, p, cs, H, W, C, g, OH, OW, &sa, &sk);
    gemm_nn(cs * OH * OW, CO, g.kh * g.kw * C, p, sa, sk, w, out, 0);
    bias_act(out, bias, cs * OH * OW, CO, act);
    return;
  }
  int PH = OH + g.kh - 1, PW = OW + g.kw - 1, five = g.kh == 5 && g.kw == 5 && CO == 6;
  for (int t = 0; t < cs; t++, in += (long)H * W, out += (long)OH * OW * CO) {
    pad_plane(in, H, W, g, PH, PW, p);
    for (int oh = 0; oh < OH; oh++)
      if (five) plane_row(p, PW, oh, OW, 5, 5, w, bias, out, 6);
      else plane_row(p, PW, oh, OW, g.kh, g.kw, w, bias, out, CO);
    if (act) act_map(out, out, (long)OH * OW * CO, act);
  }
}

// The patches of the conv's backward pass for samples [0, cs): im2col (view strides sa, sk),
// or, where uses_planes, the samples' zero-padded planes, PH·PW floats apart (sa = sk = 0).
static void conv_patches(const float *in, float *p, int cs, int H, int W, int C, Window g,
                         int OH, int OW, int CO, int *sa, int *sk) {
  if (!uses_planes(C, g, OW, CO)) {
    im2col_patches(in, p, cs, H, W, C, g, OH, OW, sa, sk);
    return;
  }
  int PH = OH + g.kh - 1, PW = OW + g.kw - 1;
  for (int t = 0; t < cs; t++) pad_plane(in + (long)t * H * W, H, W, g, PH, PW, p + (long)t * PH * PW);
  *sa = *sk = 0;
}

// The filter gradient dW[kdim × CO] (+)= Pᵀ·dZ of a chunk's cs samples (m = cs·OH·OW output
// pixels), P as conv_patches left it. Padded planes, and transposed patches (rows of Pᵀ
// contiguous) with few filters (LeNet-5's conv1: 25 × 6), run as dot products along m
// against dZᵀ, built in `tmp` (m·CO floats, used only when kdim ≥ CO: the caller's patch
// gradient area, free until the input gradient): no padded columns, ~1.5× faster.
static void conv_filter_grad(int kdim, int CO, int cs, Window g, int OH, int OW,
                             const float *p, int sa, int sk, const float *dz, float *dw, int acc,
                             float *tmp) {
  int m = cs * OH * OW, planes = sa == 0;
  if (!planes && (sa != 1 || CO > 8 || kdim < CO)) {
    gemm_nn(kdim, CO, m, p, sk, sa, dz, dw, acc);
    return;
  }
  int r = 0;
  if (CO == 6)
    for (; r + 4 <= m; r += 4) transpose_4x6(dz + (long)r * 6, tmp + r, m);
  for (; r < m; r++)
    for (int c = 0; c < CO; c++) tmp[(long)c * m + r] = dz[(long)r * CO + c];
  if (planes) planes_filter_grad(p, cs, g, OH, OW, CO, tmp, dw, acc);
  else gemm_nt(kdim, CO, m, p, tmp, dw, acc);
}
