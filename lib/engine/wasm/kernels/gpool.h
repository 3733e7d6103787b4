// The general pools, OP_GPOOL / OP_GPOOL_BWD: any window, strides and padding, max or
// average, with Keras semantics (gpool_window.h), samples [s0, s1) of the batch, NHWC, flat
// indices. The forward: 2×2 stride-2 averages on a path of their own, ≥ 4 channels a row at
// a time by gpool_window.h's window reductions, fewer a scan of the cells. The input
// gradient: each output's gradient added at its maximum's cell, or spread over its window.
#pragma once
#include "step.h"
#include "simd.h"
#include "gpool_window.h"

// Whether every window is 2×2 at stride 2 inside the input over ≥ 4 channels (LeNet-5's
// average pools): avg2x2 then runs without the per-window clipping and loops (LeNet-5's
// pool1, a batch-32 step on one thread: 0.12 → 0.025 CPU ms forward and backward alike).
static inline int is_avg2x2(const pool_geom *g, int avg) {
  return avg && g->C >= 4 && g->PH == 2 && g->PW == 2 && g->SH == 2 && g->SW == 2 &&
         g->PT == 0 && g->PL == 0 && 2 * g->OH <= g->H && 2 * g->OW <= g->W;
}

// avg2x2 windows: forward (back = 0), the 4 cells summed in window4's order, times 1/4;
// backward (back = 1), each cell stores its window's share (pool_backward's rule).
static void avg2x2(const float *x, float *y, const pool_geom *g, int s0, int s1, int back) {
  int C = g->C;
  long rs = (long)g->W * C;
  v128_t quarter = wasm_f32x4_splat(0.25f);
  for (int s = s0; s < s1; s++)
    for (int oh = 0; oh < g->OH; oh++) {
      float *cell = (back ? y : (float *)x) + ((long)s * g->H + 2 * oh) * rs;
      float *o = (back ? (float *)x : y) + ((long)s * g->OH + oh) * g->OW * C;
      for (int ow = 0; ow < g->OW; ow++, cell += 2 * C, o += C)
        for (int c = 0; c < C; c += 4) {
          if (c > C - 4) c = C - 4;
          float *a = cell + c;
          if (back) {
            v128_t share = wasm_f32x4_mul(LD(o + c), quarter);
            ST(a, share), ST(a + C, share), ST(a + rs, share), ST(a + rs + C, share);
            continue;
          }
          v128_t sum = wasm_f32x4_add(wasm_f32x4_add(LD(a), LD(a + C)), LD(a + rs));
          ST(o + c, wasm_f32x4_mul(wasm_f32x4_add(sum, LD(a + rs + C)), quarter));
        }
    }
}

static void pool_forward(const float *in, float *out, unsigned *idx, const pool_geom *g,
                         int avg, int s0, int s1) {
  int C = g->C;
  if (is_avg2x2(g, avg)) {
    avg2x2(in, out, g, s0, s1, 0);
    return;
  }
  if (C >= 4) {
    for (int s = s0; s < s1; s++)
      for (int oh = 0; oh < g->OH; oh++) {
        if (avg) pool_row(in, out, idx, g, s, oh, 1);  // constant: no test of avg per cell
        else pool_row(in, out, idx, g, s, oh, 0);
      }
    return;
  }
  for (int s = s0; s < s1; s++)
    for (int oh = 0; oh < g->OH; oh++)
      for (int ow = 0; ow < g->OW; ow++) {
        int h0, h1, w0, w1;
        pool_clip(g, oh, ow, &h0, &h1, &w0, &w1);
        long o = (((long)s * g->OH + oh) * g->OW + ow) * C;
        int first = 1;
        for (int ih = h0; ih < h1; ih++)
          for (int iw = w0; iw < w1; iw++) {
            long i = (((long)s * g->H + ih) * g->W + iw) * C;
            if (first) {
              for (int c = 0; c < C; c++) out[o + c] = in[i + c];
              if (!avg)
                for (int c = 0; c < C; c++) idx[o + c] = (unsigned)i;
            } else if (avg) {
              for (int c = 0; c < C; c++) out[o + c] += in[i + c];
            } else {
              for (int c = 0; c < C; c++) {
                float v = in[i + c];
                int take = v > out[o + c] || v != v;
                out[o + c] = take ? v : out[o + c];
                idx[o + c] = take ? (unsigned)i : idx[o + c];
              }
            }
            first = 0;
          }
        if (avg) {
          float cells = (float)((h1 - h0) * (w1 - w0));
          for (int c = 0; c < C; c++) out[o + c] /= cells;
        }
      }
}

// A max-pool's input gradient, a sample at a time: zeroed (memory.fill, half the time of a
// store loop) while it fits in L1 (12.5 KB for the BatchNorm example), then each output's
// gradient added at its maximum's cell (overlapping windows add up). Was zeroed whole (400 KB)
// first: the BatchNorm example's gpool_bwd 0.023 → 0.018–0.019 CPU ms a step, 2026-12-05, of
// which the zeroing is 0.003–0.004. Tried: the windows of a row in two passes (even, odd), so
// that consecutive windows never add at the same cell: no faster.
static void max_backward(const float *dout, float *din, const u32 *idx, const pool_geom *g,
                         int s0, int s1) {
  int C = g->C;
  long plane = (long)g->H * g->W * C, outs = (long)g->OH * g->OW * C;
  for (int s = s0; s < s1; s++) {
    __builtin_memset(din + s * plane, 0, (unsigned long)plane * sizeof(float));
    for (long o = s * outs; o < (s + 1) * outs; o += C)
      for (int c = 0; c < C; c++) din[idx[o + c] + c] += dout[o + c];
  }
}

// The input gradient: zeroed, then each window's gradient added to its maximum (max) or
// spread over its valid cells (average); overlapping windows add up.
static void pool_backward(const float *dout, float *din, const unsigned *idx,
                          const pool_geom *g, int avg, int s0, int s1) {
  int C = g->C;
  long plane = (long)g->H * g->W * C;
  if (!avg) {
    max_backward(dout, din, idx, g, s0, s1);
    return;
  }
  // Windows that tile the input exactly (LeNet-5's 2×2 pools) write every cell below.
  int tiled = avg && C >= 4 && g->SH == g->PH && g->SW == g->PW && g->PT == 0 && g->PL == 0 &&
              g->OH * g->SH == g->H && g->OW * g->SW == g->W;
  if (!tiled)
    __builtin_memset(din + s0 * plane, 0, (unsigned long)(s1 - s0) * plane * sizeof(float));
  if (is_avg2x2(g, avg)) {
    avg2x2(dout, din, g, s0, s1, 1);
    return;
  }
  if (avg && C >= 4 && g->SH >= g->PH && g->SW >= g->PW) {
    // Windows that do not overlap: each input cell gets one window's share (0 + share), so
    // it is stored, 4 channels at a time (the last 4 overlapping: plain stores repeat).
    for (int s = s0; s < s1; s++)
      for (int oh = 0; oh < g->OH; oh++)
        for (int ow = 0; ow < g->OW; ow++) {
          int h0, h1, w0, w1;
          pool_clip(g, oh, ow, &h0, &h1, &w0, &w1);
          int cells = (h1 - h0) * (w1 - w0);
          const float *d = dout + (((long)s * g->OH + oh) * g->OW + ow) * C;
          for (int c = 0; c < C; c += 4) {
            if (c > C - 4) c = C - 4;
            v128_t share = div_cells(LD(d + c), cells);
            for (int ih = h0; ih < h1; ih++)
              for (int iw = w0; iw < w1; iw++)
                ST(din + (((long)s * g->H + ih) * g->W + iw) * C + c, share);
          }
        }
    return;
  }
  for (int s = s0; s < s1; s++)
    for (int oh = 0; oh < g->OH; oh++)
      for (int ow = 0; ow < g->OW; ow++) {
        long o = (((long)s * g->OH + oh) * g->OW + ow) * C;
        int h0, h1, w0, w1;
        pool_clip(g, oh, ow, &h0, &h1, &w0, &w1);
        float cells = (float)((h1 - h0) * (w1 - w0));
        for (int ih = h0; ih < h1; ih++)
          for (int iw = w0; iw < w1; iw++) {
            long i = (((long)s * g->H + ih) * g->W + iw) * C;
            for (int c = 0; c < C; c++) din[i + c] += dout[o + c] / cells;
          }
      }
}

// OP_GPOOL / OP_GPOOL_BWD. op: [code, in | dout, out | din, index (max) or 0, H, W, C, OH,
// OW, PH, PW, SH, SW, PT, PL, average]
static void gpool_op(const Step *st, const int *op) {
  const pool_geom g = {op[4], op[5], op[6], op[7], op[8], op[9], op[10], op[11], op[12],
                       op[13], op[14]};
  if (op[0] == OP_GPOOL)
    pool_forward(F(op[1]), F(op[2]), (unsigned *)I(op[3]), &g, op[15], st->s0, st->s1);
  else
    pool_backward(F(op[1]), F(op[2]), (const unsigned *)I(op[3]), &g, op[15], st->s0, st->s1);
}
