// The general pools' windows (OP_GPOOL's forward, gpool.h): the pool's geometry, a window
// clipped to the input, and the max / average of a window's cells 4 channels at a time, an
// output row at a time. Keras semantics, as lib/engine/plan.ts documents: a max ignores
// padded cells (first maximum wins, a NaN replaces it); an average divides by the window's
// valid cells. NHWC, flat indices; 4 channels a vector (fewer than 4 channels: gpool.h's
// scalar scan).
#pragma once
#include "step.h"
#include "simd.h"

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
