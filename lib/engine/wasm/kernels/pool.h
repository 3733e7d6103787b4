// The maxPool and avgPool kinds' ops. OP_POOL / OP_POOL_BWD: the 2×2 stride-2 max-pool, SIMD
// over four channels, its gradient fusing the conv's activation′. OP_GPOOL / OP_GPOOL_BWD:
// any window, strides and padding, max or average, with Keras semantics, as
// lib/engine/plan.ts documents: a max ignores padded cells (first maximum wins, a NaN
// replaces it); an average divides by the window's valid cells. Samples [s0, s1) of the
// batch; NHWC, flat indices. Channels are the inner loop, so clang vectorises each window
// cell across them.
#pragma once
#include "step.h"
#include "gemm.h"
#include "activation.h"

typedef struct {
  int H, W, C, OH, OW, PH, PW, SH, SW, PT, PL;
} pool_geom;

// The window of output (oh, ow), clipped to the input: rows [*h0, *h1), columns [*w0, *w1).
static inline void pool_clip(const pool_geom *g, int oh, int ow, int *h0, int *h1, int *w0,
                             int *w1) {
  int ih = oh * g->SH - g->PT, iw = ow * g->SW - g->PL;
  *h0 = ih < 0 ? 0 : ih;
  *h1 = ih + g->PH > g->H ? g->H : ih + g->PH;
  *w0 = iw < 0 ? 0 : iw;
  *w1 = iw + g->PW > g->W ? g->W : iw + g->PW;
}

// x / cells, as a product when cells is a power of two (then x · (1 / cells) is the same
// float: LeNet-5's 2×2 windows), which spares a vector division per 4 channels.
static inline v128_t div_cells(v128_t x, int cells) {
  if ((cells & (cells - 1)) == 0) return wasm_f32x4_mul(x, wasm_f32x4_splat(1.f / (float)cells));
  return wasm_f32x4_div(x, wasm_f32x4_splat((float)cells));
}

// Max-pool's rule for a later cell or run of cells (value v, index at) after an earlier
// one's running (best, bi): strictly greater takes it (first maximum wins), a NaN replaces it.
// Applied to runs of consecutive cells in cell order it gives the sequential scan's result
// (the last NaN if any, else the first maximum), so runs may be reduced separately.
static inline __attribute__((always_inline)) void max_take(v128_t *best, v128_t *bi, v128_t v,
                                                           v128_t at) {
  v128_t take = wasm_v128_or(wasm_f32x4_gt(v, *best), wasm_f32x4_ne(v, v));
  *best = SELECT(v, *best, take);
  *bi = SELECT(at, *bi, take);
}

// Channels [c, c + 4) of a window's rows × cols cells (the window clipped to the input), its
// first cell at flat index i0 (channel 0), rows rs floats apart. Max: each row reduced on its
// own, then the rows in order (a chain of cols + rows − 2 steps, not rows · cols − 1: the
// scan was latency-bound); the index kept is the cell's flat index (channel 0), so
// pool_backward adds the channel. Average: summed in cell order.
static inline __attribute__((always_inline)) void window4(const float *in, long i0, long rs,
                                                          int C, int rows, int cols, int avg,
                                                          float *o, u32 *ix) {
  v128_t best = LD(in + i0), bi = wasm_i32x4_splat((int)i0);
  for (int r = 0; r < rows; r++) {
    long i = i0 + r * rs;
    v128_t rb = LD(in + i), ri = wasm_i32x4_splat((int)i);
    if (avg && r) best = wasm_f32x4_add(best, rb);
    for (int q = 1; q < cols; q++) {
      v128_t v = LD(in + i + (long)q * C);
      if (avg) best = wasm_f32x4_add(best, v);
      else max_take(&rb, &ri, v, wasm_i32x4_splat((int)(i + (long)q * C)));
    }
    if (r && !avg) max_take(&best, &bi, rb, ri);
    else if (!avg) best = rb, bi = ri;
  }
  if (avg) ST(o, div_cells(best, rows * cols));
  else ST(o, best), ST(ix, bi);
}

// n max windows, 3×3 inside the input over 16 channels, the first at flat index i0, the next
// step floats on: window4's order and rule, but each cell's offset is broadcast from a table in
// memory (a load, where a splat of a computed index moved it from a general register) and the
// window's first index added once per 4 channels. A function of its own, called once per run
// of windows: the BatchNorm example's pool, standalone, 27 µs inlined with splats → 22 µs.
static __attribute__((noinline)) void max_3x3c16(const float *in, long i0, long rs, long step,
                                                 int n, float *o, u32 *ix) {
  u32 at[9];
  for (int k = 0; k < 9; k++) at[k] = (u32)((k / 3) * rs + (k % 3) * 16);
  for (int w = 0; w < n; w++, i0 += step, o += 16, ix += 16)
    for (int c = 0; c < 16; c += 4) {
      const float *x = in + i0 + c;
      v128_t b[3], bi[3];
      for (int r = 0; r < 3; r++) {
        b[r] = LD(x + at[3 * r]), bi[r] = SPLAT(at + 3 * r);
        for (int q = 1; q < 3; q++)
          max_take(&b[r], &bi[r], LD(x + at[3 * r + q]), SPLAT(at + 3 * r + q));
      }
      max_take(&b[0], &bi[0], b[1], bi[1]);
      max_take(&b[0], &bi[0], b[2], bi[2]);
      ST(o + c, b[0]);
      ST(ix + c, wasm_i32x4_add(bi[0], wasm_i32x4_splat((int)i0)));
    }
}

// Output row oh of sample s over C ≥ 4 channels, a window at a time, 4 channels at a time (the
// last 4 overlapping the previous ones when C is not a multiple of 4: LeNet-5's 6); the row's
// clipping is worked out once. 3×3 windows get constant bounds (unrolled); runs of 3×3 max
// windows inside the input over 16 channels go to max_3x3c16. Was a scan of the cells (index
// arithmetic per cell) per 4 channels: the BatchNorm example's 3×3 stride-2 max-pool of
// 32 × 14×14×16, a batch-32 step on one thread, 0.051 → 0.023 CPU ms (2026-12-05).
static inline __attribute__((always_inline)) void pool_row(const float *in, float *out,
                                                          u32 *idx, const pool_geom *g, int s,
                                                          int oh, int avg) {
  int C = g->C, ih = oh * g->SH - g->PT;
  int h0 = ih < 0 ? 0 : ih, rows = (ih + g->PH > g->H ? g->H : ih + g->PH) - h0;
  int fast = !avg && C == 16 && g->PH == 3 && g->PW == 3 && rows == 3;
  long rs = (long)g->W * C, o = ((long)s * g->OH + oh) * g->OW * C;
  long base = ((long)s * g->H + h0) * rs;
  for (int ow = 0; ow < g->OW; ow++, o += C) {
    int iw = ow * g->SW - g->PL, w0 = iw < 0 ? 0 : iw;
    int cols = (iw + g->PW > g->W ? g->W : iw + g->PW) - w0, three = rows == 3 && cols == 3;
    long i0 = base + (long)w0 * C;
    if (fast && iw >= 0 && cols == 3) {
      int n = 1;  // this window and the next ones inside the input, in one call
      while (ow + n < g->OW && (ow + n) * g->SW - g->PL + 3 <= g->W) n++;
      max_3x3c16(in, i0, rs, (long)g->SW * C, n, out + o, idx + o);
      ow += n - 1, o += (long)(n - 1) * C;
      continue;
    }
    for (int c = 0; c < C; c += 4) {
      if (c > C - 4) c = C - 4;
      if (three) window4(in + c, i0, rs, C, 3, 3, avg, out + o + c, idx + o + c);
      else window4(in + c, i0, rs, C, rows, cols, avg, out + o + c, idx + o + c);
    }
  }
}

// Whether every window is 2×2 at stride 2 inside the input over ≥ 4 channels (LeNet-5's
// average pools): avg2x2 then runs without the per-window clipping and loops (LeNet-5's
// pool1, a batch-32 step on one thread: 0.12 → 0.025 CPU ms forward and backward alike).
static inline int is_avg2x2(const pool_geom *g, int avg) {
  return avg && g->C >= 4 && g->PH == 2 && g->PW == 2 && g->SH == 2 && g->SW == 2 &&
         g->PT == 0 && g->PL == 0 && 2 * g->OH <= g->H && 2 * g->OW <= g->W;
}

// avg2x2 windows: forward (back = 0), the 4 cells summed in avg_window's order, times 1/4;
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

// A 2×2 pooling window: the output element's index (returned) and its four inputs' (`off`),
// both as flat indices into the batch's NHWC buffers (channel 0).
static inline long pool_window(int s, int oh, int ow, int H, int W, int C, int OH, int OW,
                               long off[4]) {
  long i00 = (((long)s * H + 2 * oh) * W + 2 * ow) * C;
  off[0] = i00;
  off[1] = i00 + C;
  off[2] = i00 + (long)W * C;
  off[3] = i00 + (long)W * C + C;
  return (((long)s * OH + oh) * OW + ow) * C;
}

// OP_POOL: the 2×2 stride-2 max-pool. op: [code, in, out, index, H, W, C, OH, OW].
static void pool2_op(const Step *st, const int *op) {
  int s0 = st->s0, s1 = st->s1;
  const float *in = F(op[1]);
  float *out = F(op[2]);
  u32 *idx = (u32 *)I(op[3]);
  int H = op[4], W = op[5], C = op[6], OH = op[7], OW = op[8];
  for (int s = s0; s < s1; s++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        long off[4], o = pool_window(s, oh, ow, H, W, C, OH, OW, off);
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = LD(in + off[0] + c);
          v128_t bi = wasm_i32x4_add(wasm_i32x4_splat((int)off[0] + c),
                                     wasm_i32x4_make(0, 1, 2, 3));
          for (int q = 1; q < 4; q++) {
            v128_t v = LD(in + off[q] + c);
            // Strictly greater (first maximum wins), and a NaN replaces the running max.
            v128_t take = wasm_v128_or(wasm_f32x4_gt(v, best), wasm_f32x4_ne(v, v));
            best = SELECT(v, best, take);
            v128_t vi = wasm_i32x4_add(wasm_i32x4_splat((int)off[q] + c),
                                       wasm_i32x4_make(0, 1, 2, 3));
            bi = SELECT(vi, bi, take);
          }
          ST(out + o + c, best);
          ST(idx + o + c, bi);
        }
        for (; c < C; c++) {
          long bi = off[0] + c;
          for (int q = 1; q < 4; q++)
            if (in[off[q] + c] > in[bi] || in[off[q] + c] != in[off[q] + c]) bi = off[q] + c;
          out[o + c] = in[bi];
          idx[o + c] = (u32)bi;
        }
      }
}

// OP_POOL_BWD. op: [code, dout, din, index, H, W, C, OH, OW, pooled, act].
static void pool2_bwd_op(const Step *st, const int *op) {
  int s0 = st->s0, s1 = st->s1;
  // Each window's four input gradients are written at once (the max gets dout, the rest
  // 0), so there is no separate zeroing pass; op[10], when set, is the input conv's
  // activation, its derivative folded in: at the max, the conv output is the pooled value.
  const float *dout = F(op[1]), *pooled = op[10] ? F(op[9]) : 0;
  int act = op[10];
  float *din = F(op[2]);
  const u32 *idx = (const u32 *)I(op[3]);
  int H = op[4], W = op[5], C = op[6], OH = op[7], OW = op[8];
  v128_t lanes = wasm_i32x4_make(0, 1, 2, 3);
  for (int s = s0; s < s1; s++) {
    float *di = din + (long)s * H * W * C;
    for (long j = (long)2 * OH * W * C; j < (long)H * W * C; j++) di[j] = 0.f;  // odd H
    for (int r = 0; r < 2 * OH && W > 2 * OW; r++)  // odd W
      for (int j = 2 * OW * C; j < W * C; j++) di[(long)r * W * C + j] = 0.f;
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        long off[4], o = pool_window(s, oh, ow, H, W, C, OH, OW, off);
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t v = LD(dout + o + c), bi = LD(idx + o + c);
          if (pooled) v = act_grad4(v, LD(pooled + o + c), act);
          for (int q = 0; q < 4; q++) {
            v128_t at = wasm_i32x4_add(wasm_i32x4_splat((int)off[q] + c), lanes);
            ST(din + off[q] + c, wasm_v128_and(v, wasm_i32x4_eq(bi, at)));
          }
        }
        for (; c < C; c++) {
          float v = pooled ? act_grad1(dout[o + c], pooled[o + c], act) : dout[o + c];
          for (int q = 0; q < 4; q++) din[off[q] + c] = idx[o + c] == off[q] + c ? v : 0.f;
        }
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
