// The 1-channel conv's forward (conv_one_channel.h): NP = 4 pixels × 16 filters, each input
// pixel splatted against 4 kernel vectors per tap; the columns whose windows read no padding
// go along rows, the few others down their column. The BatchNormalization example's conv1,
// CPU ms of a batch-32 step on one thread (2026-12-05): 0.142 → 0.059.
#pragma once
#include "conv_one_channel.h"

// Output pixels a forward block holds: 4 × 16 filters is 16 accumulators, more than x64's
// vector registers, yet V8's spills cost less than the loads 2 pixels repeat (2 → 4: the
// example's conv1 forward 0.069 → 0.063 CPU ms; 3 and 6 about as fast as 4).
#define NP 4

// Kernel rows [*lo, *hi) (or columns) of output row (column) o that lie inside the input.
static inline void valid_taps(int o, int s, int p, int k, int n, int *lo, int *hi) {
  int i0 = o * s - p;
  *lo = i0 < 0 ? -i0 : 0;
  *hi = n - i0 < k ? n - i0 : k;
  if (*hi < *lo) *hi = *lo;
}

// np (≤ 8) output pixels, `dx` floats apart in the input (x: their windows' top-left
// corners, rows W floats apart) and `dout` in the output (o), × filters [j, j + 4·nv), over
// the taps kh0 ≤ kh < kh1, kw0 ≤ kw < kw1: out = Σ x·W + bias, taps in order. With kw0, kw1
// constants the kw loop unrolls (a flat loop over a list of the valid taps, offset and
// kernel row loaded per tap, ran 2.5× slower; a runtime kw range 1.6×).
ONE_INLINE void fwd_block(const float *x, int dx, int dout, int W, Window g, int kh0, int kh1,
                          int kw0, int kw1, const float *w, int j, int np, int nv,
                          const float *bias, float *o, int CO) {
  v128_t s[8][4];
  for (int p = 0; p < np; p++)
    for (int v = 0; v < 4; v++) s[p][v] = wasm_f32x4_splat(0.f);
  for (int kh = kh0; kh < kh1; kh++)
    for (int kw = kw0; kw < kw1; kw++) {
      const float *a = x + (long)kh * W + kw, *b = w + (long)(kh * g.kw + kw) * CO + j;
      v128_t ap[8];
      for (int p = 0; p < np; p++) ap[p] = SPLAT(a + p * dx);
      for (int v = 0; v < nv; v++) {
        v128_t bv = LD(b + 4 * v);
        for (int p = 0; p < np; p++) s[p][v] = MADD(ap[p], bv, s[p][v]);
      }
    }
  for (int p = 0; p < np; p++)
    for (int v = 0; v < nv; v++)
      ST(o + p * dout + j + 4 * v, wasm_f32x4_add(s[p][v], LD(bias + j + 4 * v)));
}

// All CO filters of np pixels: blocks of 16, then 8, then 4.
ONE_INLINE void fwd_pixels(const float *x, int dx, int dout, int W, Window g, int kh0, int kh1,
                           int kw0, int kw1, const float *w, int np, const float *bias,
                           float *o, int CO) {
  int j = 0;
  for (; j + 16 <= CO; j += 16)
    fwd_block(x, dx, dout, W, g, kh0, kh1, kw0, kw1, w, j, np, 4, bias, o, CO);
  if (j + 8 <= CO)
    fwd_block(x, dx, dout, W, g, kh0, kh1, kw0, kw1, w, j, np, 2, bias, o, CO), j += 8;
  if (j < CO) fwd_block(x, dx, dout, W, g, kh0, kh1, kw0, kw1, w, j, np, 1, bias, o, CO);
}

// Output columns [c0, c1) (a multiple of NP) whose windows' columns all lie inside, NP
// pixels of a row at a time (KW = g.kw, a constant where the caller can make it one).
ONE_INLINE void fwd_inside(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                           int KW, int c0, int c1, const float *w, const float *bias,
                           float *out, int CO) {
  for (int t = 0; t < cs; t++)
    for (int oh = 0; oh < OH; oh++) {
      int kh0, kh1;
      valid_taps(oh, g.sh, g.ph, g.kh, H, &kh0, &kh1);
      const float *x = corner(in, t, oh, 0, H, W, g);
      float *o = out + ((long)t * OH + oh) * OW * CO;
      // A whole 3 × 3 window as constants: no kh loop (its 16 accumulators passing a loop's
      // back edge): the example's conv1 forward 0.063 → 0.059 CPU ms.
      if (KW == 3 && kh0 == 0 && kh1 == 3)
        for (int ow = c0; ow < c1; ow += NP)
          fwd_pixels(x + ow * g.sw, g.sw, CO, W, g, 0, 3, 0, 3, w, NP, bias, o + ow * CO, CO);
      else
        for (int ow = c0; ow < c1; ow += NP)
          fwd_pixels(x + ow * g.sw, g.sw, CO, W, g, kh0, kh1, 0, KW, w, NP, bias, o + ow * CO,
                     CO);
    }
}

// fwd_pixels over kernel columns [kw0, kw1), with a constant count where it is 3 or 2.
ONE_INLINE void fwd_some(const float *x, int dx, int dout, int W, Window g, int kh0, int kh1,
                         int kw0, int kw1, const float *w, int np, const float *bias, float *o,
                         int CO) {
  int n = kw1 - kw0;
  x += kw0, w += (long)kw0 * CO;
  if (n == 3) fwd_pixels(x, dx, dout, W, g, kh0, kh1, 0, 3, w, np, bias, o, CO);
  else if (n == 2) fwd_pixels(x, dx, dout, W, g, kh0, kh1, 0, 2, w, np, bias, o, CO);
  else fwd_pixels(x, dx, dout, W, g, kh0, kh1, 0, n, w, np, bias, o, CO);
}

// Output column ow, NP pixels of a column at a time where their rows have the same taps.
ONE_INLINE void fwd_column(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                           int ow, const float *w, const float *bias, float *out, int CO) {
  int kw0, kw1;
  valid_taps(ow, g.sw, g.pw, g.kw, W, &kw0, &kw1);
  for (int t = 0; t < cs; t++)
    for (int oh = 0; oh < OH;) {
      int a0, a1, b0, b1, same = 1;
      valid_taps(oh, g.sh, g.ph, g.kh, H, &a0, &a1);
      for (; same < NP && oh + same < OH; same++) {
        valid_taps(oh + same, g.sh, g.ph, g.kh, H, &b0, &b1);
        if (b0 != a0 || b1 != a1) break;
      }
      const float *x = corner(in, t, oh, ow, H, W, g);
      float *o = out + (((long)t * OH + oh) * OW + ow) * CO;
      if (same == NP) {
        fwd_some(x, g.sh * W, OW * CO, W, g, a0, a1, kw0, kw1, w, NP, bias, o, CO);
        oh += NP;
      } else {
        fwd_some(x, 0, 0, W, g, a0, a1, kw0, kw1, w, 1, bias, o, CO);
        oh++;
      }
    }
}

// conv_one_channel_forward's products and bias (CO a constant where the caller can make it
// one: a runtime CO cost 20 %), each in a function of its own (both copies in one ran 1/3
// slower).
ONE_INLINE void fwd_all(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                        const float *w, const float *bias, float *out, int CO) {
  int c0 = 0, c1 = OW;
  while (c0 < OW && c0 * g.sw - g.pw < 0) c0++;
  while (c1 > c0 && (c1 - 1) * g.sw - g.pw + g.kw > W) c1--;
  int c2 = c1 - (c1 - c0) % NP;
  if (g.kw == 3) fwd_inside(in, cs, H, W, g, OH, OW, 3, c0, c2, w, bias, out, CO);
  else if (g.kw == 5) fwd_inside(in, cs, H, W, g, OH, OW, 5, c0, c2, w, bias, out, CO);
  else fwd_inside(in, cs, H, W, g, OH, OW, g.kw, c0, c2, w, bias, out, CO);
  for (int ow = c0 > 0 ? 0 : c2; ow < OW; ow = ow + 1 == c0 ? c2 : ow + 1)
    fwd_column(in, cs, H, W, g, OH, OW, ow, w, bias, out, CO);
}

ONE_OUTLINE void fwd_16(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                        const float *w, const float *bias, float *out) {
  fwd_all(in, cs, H, W, g, OH, OW, w, bias, out, 16);
}
ONE_OUTLINE void fwd_any(const float *in, int cs, int H, int W, Window g, int OH, int OW,
                         const float *w, const float *bias, float *out, int CO) {
  fwd_all(in, cs, H, W, g, OH, OW, w, bias, out, CO);
}

// out[t, oh, ow, :] = f(Σ_taps x·W + bias) for the cs samples at `in` (H × W, 1 channel).
// Columns [c0, c2) read no padding and go NP at a time along rows; the others (few: the
// padded ones, the last c1 − c2) go down their column instead, where the pixels share their
// taps (one at a time along rows they cost 1/4 of conv1's forward). The activation is a pass of its own (in the
// products' loops, its switch cost 40 %).
static void conv_one_channel_forward(const float *in, int cs, int H, int W, Window g, int OH,
                                     int OW, const float *w, const float *bias, int act,
                                     float *out, int CO) {
  if (CO == 16) fwd_16(in, cs, H, W, g, OH, OW, w, bias, out);
  else fwd_any(in, cs, H, W, g, OH, OW, w, bias, out, CO);
  if (act) act_map(out, out, (long)cs * OH * OW * CO, act);
}
