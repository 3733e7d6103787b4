// Elementwise pieces of the training step (lib/engine/wasm/kernels/step.c): exp / log for
// the softmax and the loss, im2col / col2im, bias + activation and its gradient.
#pragma once
#include "simd.h"
#include "activation.h"

// exp / log in double (no libm here); only the 10-class softmax and the loss use them.
static double exp_d(double x) {
  if (x < -745.0) return 0.0;
  if (x > 709.0) return __builtin_inf();
  if (x != x) return x;
  double n = __builtin_nearbyint(x * 1.4426950408889634);
  double r = (x - n * 0.6931471803691238) - n * 1.9082149292705877e-10;
  double t = 1.0, s = 1.0;
  for (int k = 1; k <= 13; k++) { t *= r / k; s += t; }
  long long bits = (long long)(n + 1023) << 52;
  return s * __builtin_bit_cast(double, bits);
}

static double log_d(double x) {
  if (!(x > 0)) return x == 0 ? -__builtin_inf() : (x - x) / 0.0;
  long long bits = __builtin_bit_cast(long long, x);
  int e = (int)((bits >> 52) & 0x7ff) - 1023;
  double m = __builtin_bit_cast(double, (bits & 0xfffffffffffffLL) | 0x3ff0000000000000LL);
  if (m > 1.4142135623730951) { m *= 0.5; e++; }
  double f = (m - 1) / (m + 1), f2 = f * f, t = f, s = 0;
  for (int k = 1; k <= 23; k += 2) { s += t / k; t *= f2; }
  return 2 * s + e * 0.6931471805599453;
}

// A conv's window: kernel rows × columns, strides, padded rows / columns before the input.
typedef struct { int kh, kw, sh, sw, ph, pw; } Window;

// n floats from x to p (n ≥ 4 ends on an overlapping vector instead of a scalar tail).
static inline void copy_run(float *p, const float *x, int n) {
  int c = 0;
  for (; c + 4 <= n; c += 4) ST(p + c, LD(x + c));
  if (c < n && n >= 4) ST(p + n - 4, LD(x + n - 4));
  else for (; c < n; c++) p[c] = x[c];
}

static inline void zero_run(float *p, int n) {
  int c = 0;
  for (; c + 4 <= n; c += 4) ST(p + c, wasm_f32x4_splat(0.f));
  for (; c < n; c++) p[c] = 0.f;
}

// im2col (gather = 1): patches p[m][(kh·KW + kw)·C + c] of `in`, zero outside; col2im
// (gather = 0): the reverse, adding each patch entry into `in` (the input gradient). A patch
// row (one kh) is one contiguous run of the input row, so it moves as a block, its clipped
// columns zeroed: with C = 1 or 6 (LeNet-5) the per-tap loop spent more on tests than data.
static void patches(float *in, float *p, int H, int W, int C, Window g, int OH, int OW,
                    int gather) {
  int row = g.kw * C;
  for (int oh = 0; oh < OH; oh++)
    for (int ow = 0; ow < OW; ow++) {
      int iw = ow * g.sw - g.pw;
      int k0 = iw < 0 ? -iw : 0, k1 = W - iw < g.kw ? W - iw : g.kw;
      if (k1 < k0) k1 = k0;
      for (int kh = 0; kh < g.kh; kh++, p += row) {
        int ih = oh * g.sh + kh - g.ph;
        if (ih < 0 || ih >= H) {
          if (gather) zero_run(p, row);
          continue;
        }
        float *x = in + ((long)ih * W + iw + k0) * C;
        int n = (k1 - k0) * C;
        if (gather) {
          zero_run(p, k0 * C);
          copy_run(p + k0 * C, x, n);
          zero_run(p + k1 * C, row - k1 * C);
        } else {
          float *q = p + k0 * C;
          int c = 0;
          for (; c + 4 <= n; c += 4) ST(x + c, wasm_f32x4_add(LD(x + c), LD(q + c)));
          for (; c < n; c++) x[c] += q[c];
        }
      }
    }
}

// Rows of n floats that are not a whole number of vectors (a conv's 6 channels: LeNet-5)
// go 4 at a time as one flat run of 4n, against the bias (or the bias-gradient sums) laid
// out 4 times over, so no lane runs the activation's scalar form.
#define FLAT_MAX 128

// out[r] = f(out[r] + bias) for `rows` rows of `n` columns (f: an ACT_ code).
static void bias_act(float *out, const float *bias, int rows, int n, int act) {
  int r = 0;
  if (n % 4 && n <= FLAT_MAX) {
    float b4[4 * FLAT_MAX];
    for (int j = 0; j < 4 * n; j++) b4[j] = bias[j % n];
    for (; r + 4 <= rows; r += 4, out += 4 * n)
      for (int j = 0; j < 4 * n; j += 4) ST(out + j, act4(wasm_f32x4_add(LD(out + j), LD(b4 + j)), act));
  }
  for (; r < rows; r++, out += n) {
    int j = 0;
    for (; j + 4 <= n; j += 4) ST(out + j, act4(wasm_f32x4_add(LD(out + j), LD(bias + j)), act));
    for (; j < n; j++) out[j] = act1(out[j] + bias[j], act);
  }
}

// gbias[j] += the sum of column j over the 4 rows of a flat run's vector sums g (n vectors).
static inline __attribute__((always_inline)) void flat_sums_add(const v128_t *g, int n,
                                                               float *gbias) {
  float g4[4 * FLAT_MAX];
  for (int j = 0; j < n; j++) ST(g4 + 4 * j, g[j]);
  for (int j = 0; j < n; j++) gbias[j] += (g4[j] + g4[n + j]) + (g4[2 * n + j] + g4[3 * n + j]);
}

// g[j] += dz's vector j of each of `runs` runs of nv vectors, dz = dout · f′(out) stored in
// place (f: an ACT_ code, none when 0).
static inline __attribute__((always_inline)) void act_grad_runs(float *dout, const float *out,
                                                                v128_t *g, int runs, int nv,
                                                                int act) {
  for (int r = 0; r < runs; r++, dout += 4 * nv, out += 4 * nv)
    for (int j = 0; j < nv; j++) {
      v128_t d = act ? act_grad4(LD(dout + 4 * j), LD(out + 4 * j), act) : LD(dout + 4 * j);
      if (act) ST(dout + 4 * j, d);
      g[j] = wasm_f32x4_add(g[j], d);
    }
}

// act_grad_bias's rows 4 at a time as flat runs of 4n floats (n % 4 ≠ 0, n ≤ FLAT_MAX): the
// sums by vector of the run, then per column; returns the rows done. Inlined with n = 6
// (LeNet-5's conv1) the sums stay in 6 registers (a runtime n kept them in memory, each run
// loading and storing them): its conv1 backward 0.288 → 0.252 CPU ms a batch-32 step on one
// thread (2026-12-05).
static inline __attribute__((always_inline)) int act_grad_bias_flat(float *dout,
                                                                    const float *out,
                                                                    float *gbias, int rows,
                                                                    int n, int act) {
  v128_t g[FLAT_MAX];
  for (int j = 0; j < n; j++) g[j] = wasm_f32x4_splat(0.f);
  act_grad_runs(dout, out, g, rows / 4, n, act);
  flat_sums_add(g, n, gbias);
  return rows / 4 * 4;
}

// act_grad_bias's rows of n = 4·nv floats, the sums in nv vectors loaded from gbias and
// stored back after (the same order of additions as adding into gbias row by row). Inlined
// with n = 16 or 32 the sums stay in registers (a runtime n: loaded and stored every row):
// LeNet-5's conv2 backward 0.979 → 0.963 CPU ms a batch-32 step on one thread (2026-12-05).
static inline __attribute__((always_inline)) void act_grad_bias_rows(float *dout,
                                                                     const float *out,
                                                                     float *gbias, int rows,
                                                                     int nv, int act) {
  v128_t g[FLAT_MAX / 4];
  for (int j = 0; j < nv; j++) g[j] = LD(gbias + 4 * j);
  act_grad_runs(dout, out, g, rows, nv, act);
  for (int j = 0; j < nv; j++) ST(gbias + 4 * j, g[j]);
}

// dz = dout · f′(out) in place (f: an ACT_ code; linear when f′ was applied upstream, or
// there is none), and gbias += column sums of dz.
static void act_grad_bias(float *dout, const float *out, float *gbias, int rows, int n,
                          int act) {
  int r = 0;
  if (n % 4 && n <= FLAT_MAX && rows >= 4) {
    r = n == 6 ? act_grad_bias_flat(dout, out, gbias, rows, 6, act)
               : act_grad_bias_flat(dout, out, gbias, rows, n, act);
    dout += (long)r * n, out += (long)r * n;
  }
  if (n % 4 == 0 && n <= FLAT_MAX) {
    if (n == 16) act_grad_bias_rows(dout, out, gbias, rows, 4, act);
    else if (n == 32) act_grad_bias_rows(dout, out, gbias, rows, 8, act);
    else act_grad_bias_rows(dout, out, gbias, rows, n / 4, act);
    return;
  }
  for (; r < rows; r++, dout += n, out += n) {
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      v128_t d = act ? act_grad4(LD(dout + j), LD(out + j), act) : LD(dout + j);
      if (act) ST(dout + j, d);
      ST(gbias + j, wasm_f32x4_add(LD(gbias + j), d));
    }
    for (; j < n; j++) {
      float d = act ? act_grad1(dout[j], out[j], act) : dout[j];
      dout[j] = d;
      gbias[j] += d;
    }
  }
}

// gbias += the column sums of dz (rows × n), a linear layer's bias gradient: act_grad_bias
// with no activation′, its sums inlined with act = 0 (the activation switch in the loop, act
// a runtime value, took 20 µs of the BatchNormalization example's conv1 backward, this 5).
static void bias_grad_linear(float *dz, int rows, int n, float *gbias) {
  if (n == 16) act_grad_bias_rows(dz, dz, gbias, rows, 4, 0);
  else if (n % 4 == 0 && n <= FLAT_MAX) act_grad_bias_rows(dz, dz, gbias, rows, n / 4, 0);
  else act_grad_bias(dz, dz, gbias, rows, n, 0);
}
