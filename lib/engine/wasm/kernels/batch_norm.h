// The batchNorm kind's ops (tfjs' BatchNormalization, axis −1: per channel c over the batch's
// n·HW values, m of them). Batch statistics need every sample before any is normalised, so
// the forward and the backward each end a phase (OP_SYNC) after a per-chunk partial sum
// and finish in the next phase; each chunk combines the partial sums of all chunks in chunk
// order, so the result does not depend on which thread ran what, nor on the thread count
// beyond the chunking. Forward: OP_BN_STATS (Σx, Σx² of the chunk's rows; the sums are in
// batch_norm_sums.h), SYNC, OP_BN (the moments; chunk 0 also writes them to bnStats and
// moves the state's moving statistics; normalise). Backward: OP_BN_GRAD (the chunk's Σdy·x̂
// and Σdy, into its gradient array as γ's and β's, as other parameters), SYNC, OP_BN_DX (dγ,
// dβ: the chunks' sums in the order phase B adds them; dx = γ·invStd·(dy − dβ/m − x̂·dγ/m),
// the statistics read from bnStats). Inference: OP_BN_INFER with the moving statistics.
// The elementwise loops are hand-written SIMD, which now beats clang's vectoriser: the
// per-channel coefficients are made once per op (a = γ·invStd; dx's k, q, d) and held in
// registers over all the rows, 16 channels at a time (then 4), x − mean still subtracted
// first. An earlier hand-written normalise lost to the vectoriser (0.049 → 0.077 ms); it
// probably kept γ·(x − mean)·invStd + β with every coefficient reloaded each row, as the
// vectoriser does. Measured 2026-12-05 on examples/batchnorm.keras.json (CPU ms of a
// batch-32 step on one thread), vectoriser → now: the first batchNorm (100 K values, C =
// 16) bn 0.049 → 0.014, bn_dx 0.066 → 0.020; the second (16 K values, C = 32) bn 0.007 →
// 0.001, bn_dx 0.009 → 0.002 (with the f32-block sums, bn_stats 0.024 → 0.009 and bn_grad
// 0.041 → 0.014 on the first).
#pragma once
#include "step.h"
#include "simd.h"
#include "batch_norm_sums.h"

static inline float bn_rsqrt(float v) { return 1.f / __builtin_sqrtf(v); }

// OP_BN_STATS. op: [code, x, partials (chunks × 2C doubles), HW, C]
static void bn_stats_op(const Step *st, const int *op) {
  const float *x = F(op[1]);
  int hw = op[3], C = op[4];
  double *part = (double *)(long)op[2] + (long)st->chunk * 2 * C;
  bn_sums(x, x, x, (long)st->s0 * hw, (long)st->s1 * hw, C, part, part + C, 0);
}

// y = (x − mean)·a + β for rows [r0, r1) of channels [0, 4·w) of C, the 3·w coefficient
// vectors in registers.
static inline __attribute__((always_inline)) void bn_affine_w(
    const float *x, float *y, const float *mean, const float *a, const float *beta, long r0,
    long r1, int C, int w) {
  v128_t m[4], k[4], b[4];
  for (int j = 0; j < w; j++)
    m[j] = LD(mean + 4 * j), k[j] = LD(a + 4 * j), b[j] = LD(beta + 4 * j);
  for (long r = r0; r < r1; r++)
    for (int j = 0; j < w; j++)
      ST(y + r * C + 4 * j, MADD(wasm_f32x4_sub(LD(x + r * C + 4 * j), m[j]), k[j], b[j]));
}

// y = (x − mean)·a + β for rows [r0, r1) of C channels, a = γ·invStd per channel: 16
// channels at a time over all the rows (C = 16 specialised), then 4, then one by one.
static void bn_affine(const float *x, float *y, const float *mean, const float *a,
                      const float *beta, long r0, long r1, int C) {
  int c = 0;
  if (C == 16) bn_affine_w(x, y, mean, a, beta, r0, r1, 16, 4), c = 16;
  for (; c + 16 <= C; c += 16) bn_affine_w(x + c, y + c, mean + c, a + c, beta + c, r0, r1, C, 4);
  for (; c + 4 <= C; c += 4) bn_affine_w(x + c, y + c, mean + c, a + c, beta + c, r0, r1, C, 1);
  for (; c < C; c++)
    for (long r = r0; r < r1; r++) y[r * C + c] = (x[r * C + c] - mean[c]) * a[c] + beta[c];
}

// The batch mean and invStd of each channel from every chunk's partial sums, added in chunk
// order (every chunk computes the same values): mean = Σx/m, the biased var = Σx²/m − mean²
// (in double), invStd = 1/√(var + ε); returns var through `variance` when it is not null.
static void bn_moments(const Step *st, const double *part, int C, double m, float eps,
                       float *mean, float *inv, float *variance) {
  int chunks = st->ctl[C_CHUNKS];
  for (int c = 0; c < C; c++) {
    double s1 = 0, s2 = 0;
    for (int t = 0; t < chunks; t++) s1 += part[(long)t * 2 * C + c];
    for (int t = 0; t < chunks; t++) s2 += part[(long)t * 2 * C + C + c];
    double mu = s1 / m, var = s2 / m - mu * mu;
    float v = var > 0 ? (float)var : 0.f;
    mean[c] = (float)mu;
    inv[c] = bn_rsqrt(v + eps);
    if (variance) variance[c] = v;
  }
}

// OP_BN. op: [code, x, y, partials, bnStats, gamma, beta, moving mean, moving var, HW, C,
// ε, 1 − momentum (float bits)]. Chunk 0 also writes [mean, invStd] to bnStats and, when the
// step updates, moves the moving statistics toward the batch's (as tfjs' forward does).
static void bn_op(const Step *st, const int *op) {
  const float *x = F(op[1]), *gamma = st->params + op[5], *beta = st->params + op[6];
  int hw = op[9], C = op[10];
  float *y = F(op[2]), *mean = st->scratch, *inv = mean + C, *var = inv + C, *a = var + C;
  float decay = fcast(op[12]);
  bn_moments(st, (const double *)(long)op[3], C, (double)st->ctl[C_N] * hw, fcast(op[11]), mean,
             inv, var);
  if (st->chunk == 0) {
    float *stats = F(op[4]), *state = F(st->ctl[C_STATE]), *mm = state + op[7], *mv = state + op[8];
    for (int c = 0; c < C; c++) stats[c] = mean[c], stats[C + c] = inv[c];
    for (int c = 0; c < C && st->ctl[C_UPDATE]; c++) {
      mm[c] = mm[c] - (mm[c] - mean[c]) * decay;
      mv[c] = mv[c] - (mv[c] - var[c]) * decay;
    }
  }
  for (int c = 0; c < C; c++) a[c] = gamma[c] * inv[c];
  bn_affine(x, y, mean, a, beta, (long)st->s0 * hw, (long)st->s1 * hw, C);
}

// OP_BN_GRAD. op: [code, x, dy, partials, gamma, beta, HW, C, ε]. The statistics come from
// the partial sums again: bnStats, which chunk 0 writes, may not be written yet (no barrier
// since the forward).
static void bn_grad_op(const Step *st, const int *op) {
  const float *x = F(op[1]), *dy = F(op[2]);
  int hw = op[6], C = op[7];
  double *sum = (double *)st->scratch;  // 2C doubles, then mean and invStd
  float *mean = st->scratch + 4 * C, *inv = mean + C;
  float *dgamma = st->grads + op[4], *dbeta = st->grads + op[5];
  bn_moments(st, (const double *)(long)op[3], C, (double)st->ctl[C_N] * hw, fcast(op[8]), mean,
             inv, 0);
  bn_sums(dy, x, mean, (long)st->s0 * hw, (long)st->s1 * hw, C, sum + C, sum, 1);
  for (int c = 0; c < C; c++) dgamma[c] = (float)(sum[c] * inv[c]), dbeta[c] = (float)sum[C + c];
}

// dx = (x − mean)·q + dy·k + d for rows [r0, r1) of channels [0, 4·w) of C, the
// coefficients per channel in coef: [k, q, d] (cs apart), loaded once (for w = 4, V8 keeps
// most of the 16 vectors in registers).
static inline __attribute__((always_inline)) void bn_dx_w(
    const float *x, const float *dy, float *dx, const float *mean, const float *coef, int cs,
    long r0, long r1, int C, int w) {
  v128_t m[4], k[4], q[4], d[4];
  for (int j = 0; j < w; j++) {
    m[j] = LD(mean + 4 * j), k[j] = LD(coef + 4 * j);
    q[j] = LD(coef + cs + 4 * j), d[j] = LD(coef + 2 * cs + 4 * j);
  }
  for (long r = r0; r < r1; r++)
    for (int j = 0; j < w; j++) {
      long i = r * C + 4 * j;
      ST(dx + i, MADD(wasm_f32x4_sub(LD(x + i), m[j]), q[j], MADD(LD(dy + i), k[j], d[j])));
    }
}

// bn_dx_w for C channels: 16 at a time over all the rows (C = 16 specialised), then 4, then
// one by one.
static void bn_dx_rows(const float *x, const float *dy, float *dx, const float *mean,
                       const float *coef, long r0, long r1, int C) {
  const float *k = coef, *q = coef + C, *d = coef + 2 * C;
  int c = 0;
  if (C == 16) bn_dx_w(x, dy, dx, mean, coef, 16, r0, r1, 16, 4), c = 16;
  for (; c + 16 <= C; c += 16) bn_dx_w(x + c, dy + c, dx + c, mean + c, coef + c, C, r0, r1, C, 4);
  for (; c + 4 <= C; c += 4) bn_dx_w(x + c, dy + c, dx + c, mean + c, coef + c, C, r0, r1, C, 1);
  for (; c < C; c++)
    for (long r = r0, i = r0 * C + c; r < r1; r++, i += C)
      dx[i] = (x[i] - mean[c]) * q[c] + dy[i] * k[c] + d[c];
}

// OP_BN_DX. op: [code, x, dy, dx, bnStats, gamma, beta, HW, C]. dx = γ·invStd·(dy − dβ/m −
// x̂·dγ/m) as dy·k + (x − mean)·q + d: k = γ·invStd, q = −k·invStd·dγ/m, d = −k·dβ/m.
static void bn_dx_op(const Step *st, const int *op) {
  const float *x = F(op[1]), *dy = F(op[2]), *mean = F(op[4]), *gamma = st->params + op[5];
  float *dx = F(op[3]), *coef = st->scratch;
  float **grads = (float **)I(st->ctl[C_GRADS]);
  int hw = op[7], C = op[8], chunks = st->ctl[C_CHUNKS];
  const float *inv = mean + C;
  float m = (float)st->ctl[C_N] * hw;
  for (int c = 0; c < C; c++) {
    float dgamma = grads[0][op[5] + c], dbeta = grads[0][op[6] + c];
    for (int t = 1; t < chunks; t++) dgamma += grads[t][op[5] + c], dbeta += grads[t][op[6] + c];
    float k = gamma[c] * inv[c];
    coef[c] = k;
    coef[C + c] = -(k * inv[c] * (dgamma / m));
    coef[2 * C + c] = -(k * (dbeta / m));
  }
  bn_dx_rows(x, dy, dx, mean, coef, (long)st->s0 * hw, (long)st->s1 * hw, C);
}

// OP_BN_INFER. op: [code, x, y, gamma, beta, moving mean, moving var, HW, C, ε]
static void bn_infer_op(const Step *st, const int *op) {
  const float *x = F(op[1]), *gamma = st->params + op[3], *beta = st->params + op[4];
  const float *state = F(st->ctl[C_STATE]), *mm = state + op[5], *mv = state + op[6];
  float *y = F(op[2]), *a = st->scratch;
  int hw = op[7], C = op[8];
  float eps = fcast(op[9]);
  for (int c = 0; c < C; c++) a[c] = gamma[c] * bn_rsqrt(mv[c] + eps);
  bn_affine(x, y, mm, a, beta, (long)st->s0 * hw, (long)st->s1 * hw, C);
}
