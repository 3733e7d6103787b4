// The conv2d kind's data movement and products around the GEMMs (kernels/conv2d.h runs
// them): im2col in the layout that suits the channel count, the forward product, and the
// filter gradient. A 1-channel input at stride 1 (LeNet-5's conv1) skips im2col: its samples
// are copied once into zero-padded planes that every tap reads directly.
#pragma once
#include "gemm.h"
#include "small_ops.h"

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

// 6 columns of 4 (filter n's 4 pixels) to 4 rows of 6, o[q·6 + n] = column n's lane q: the
// inverse of transpose_4x6, in 12 shuffles (the 8 × 6 tile went out as 48 scalar stores).
static inline void untranspose_6x4(v128_t n0, v128_t n1, v128_t n2, v128_t n3, v128_t n4,
                                   v128_t n5, float *o) {
  v128_t lo01 = wasm_i32x4_shuffle(n0, n1, 0, 1, 4, 5), hi01 = wasm_i32x4_shuffle(n0, n1, 2, 3, 6, 7);
  v128_t lo23 = wasm_i32x4_shuffle(n2, n3, 0, 1, 4, 5), hi23 = wasm_i32x4_shuffle(n2, n3, 2, 3, 6, 7);
  v128_t lo45 = wasm_i32x4_shuffle(n4, n5, 0, 1, 4, 5), hi45 = wasm_i32x4_shuffle(n4, n5, 2, 3, 6, 7);
  ST(o, wasm_i32x4_shuffle(lo01, lo23, 0, 2, 4, 6));
  ST(o + 4, wasm_i32x4_shuffle(lo45, lo01, 0, 2, 5, 7));
  ST(o + 8, wasm_i32x4_shuffle(lo23, lo45, 1, 3, 5, 7));
  ST(o + 12, wasm_i32x4_shuffle(hi01, hi23, 0, 2, 4, 6));
  ST(o + 16, wasm_i32x4_shuffle(hi45, hi01, 0, 2, 5, 7));
  ST(o + 20, wasm_i32x4_shuffle(hi23, hi45, 1, 3, 5, 7));
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

// 4 rows of 6 (24 floats, in vectors a to f) to 6 columns of 4, t[n·ld + q] = x[q·6 + n],
// in 12 shuffles: rows 0–1 lie in vectors a, b, c of x, rows 2–3 in the next three, at the
// same lanes. The scalar transpose of LeNet-5's conv1 gradient (150 K floats a step) took
// ~0.1 ms.
static inline void transpose_4x6_v(v128_t a, v128_t b, v128_t c, v128_t d, v128_t e,
                                   v128_t f, float *t, long ld) {
  v128_t lo01 = wasm_i32x4_shuffle(a, b, 0, 6, 1, 7), hi01 = wasm_i32x4_shuffle(d, e, 0, 6, 1, 7);
  v128_t lo23 = wasm_i32x4_shuffle(a, c, 2, 4, 3, 5), hi23 = wasm_i32x4_shuffle(d, f, 2, 4, 3, 5);
  v128_t lo45 = wasm_i32x4_shuffle(b, c, 0, 6, 1, 7), hi45 = wasm_i32x4_shuffle(e, f, 0, 6, 1, 7);
  ST(t, wasm_i32x4_shuffle(lo01, hi01, 0, 1, 4, 5));
  ST(t + ld, wasm_i32x4_shuffle(lo01, hi01, 2, 3, 6, 7));
  ST(t + 2 * ld, wasm_i32x4_shuffle(lo23, hi23, 0, 1, 4, 5));
  ST(t + 3 * ld, wasm_i32x4_shuffle(lo23, hi23, 2, 3, 6, 7));
  ST(t + 4 * ld, wasm_i32x4_shuffle(lo45, hi45, 0, 1, 4, 5));
  ST(t + 5 * ld, wasm_i32x4_shuffle(lo45, hi45, 2, 3, 6, 7));
}

static inline void transpose_4x6(const float *x, float *t, long ld) {
  transpose_4x6_v(LD(x), LD(x + 4), LD(x + 8), LD(x + 12), LD(x + 16), LD(x + 20), t, ld);
}

// dZᵀ (6 rows of m, m % 4 = 0) of a 6-filter conv with no input gradient, its activation′
// applied on the way, and gbias += dZ's column sums: act_grad_bias and conv_filter_grad's
// transpose in one pass, the same floats in the same order (act_grad_bias_flat's sums), dZ
// left as it was. LeNet-5's conv1 backward 0.253 → 0.243 CPU ms a batch-32 step on one thread
// (2026-12-05).
static void act_grad_transpose6(const float *dz, const float *y, int act, float *gbias, int m,
                                float *t) {
  v128_t z = wasm_f32x4_splat(0.f), g[6] = {z, z, z, z, z, z};
  for (int r = 0; r < m; r += 4, dz += 24, y += 24) {
    v128_t d[6];
    for (int j = 0; j < 6; j++) {
      d[j] = act ? act_grad4(LD(dz + 4 * j), LD(y + 4 * j), act) : LD(dz + 4 * j);
      g[j] = wasm_f32x4_add(g[j], d[j]);
    }
    transpose_4x6_v(d[0], d[1], d[2], d[3], d[4], d[5], t + r, m);
  }
  flat_sums_add(g, 6, gbias);
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

