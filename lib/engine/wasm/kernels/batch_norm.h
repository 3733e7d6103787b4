// The batchNorm kind's ops (tfjs' BatchNormalization, axis −1: per channel c over the batch's
// n·HW values, m of them). Batch statistics need every sample before any is normalised, so
// the forward and the backward each end a phase (OP_SYNC) after a per-chunk partial sum
// and finish in the next phase; each chunk combines the partial sums of all chunks in chunk
// order, so the result does not depend on which thread ran what, nor on the thread count
// beyond the chunking. Forward: OP_BN_STATS (Σx, Σx² of the chunk's rows, in double), SYNC,
// OP_BN (the moments; chunk 0 also writes them to bnStats and moves the state's moving
// statistics; normalise). Backward: OP_BN_GRAD (the chunk's Σdy·x̂ and Σdy, into its
// gradient array as γ's and β's, as other parameters), SYNC, OP_BN_DX (dγ, dβ: the chunks'
// sums in the order phase B adds them; dx = γ·invStd·(dy − dβ/m − x̂·dγ/m), the statistics
// read from bnStats). Inference: OP_BN_INFER with the moving statistics.
// The sums run 4 channels at a time in f64x2 pairs, then the odd channels one by one, with
// the same arithmetic (Σdy·x̂: 1.9 ms of CPU instead of 2.4 scalar); the elementwise loops go to
// clang's vectoriser, which beat hand-written SIMD there (cnn-basic with a batchNorm after its
// conv, batch 100: the four ops take 6.0 ms of a 22 ms step's CPU time, all memory-bound).
#pragma once
#include "step.h"
#include "gemm.h"

static inline float bn_rsqrt(float v) { return 1.f / __builtin_sqrtf(v); }

// s[0..4) += a and p[0..4) += a·b, in double, for four channels' floats a and b.
static inline void bn_acc4(double *s, double *p, v128_t a, v128_t b) {
  v128_t a0 = wasm_f64x2_promote_low_f32x4(a), b0 = wasm_f64x2_promote_low_f32x4(b);
  v128_t a1 = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
  v128_t b1 = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(b, b, 2, 3, 0, 1));
  ST(s, wasm_f64x2_add(LD(s), a0));
  ST(s + 2, wasm_f64x2_add(LD(s + 2), a1));
  ST(p, wasm_f64x2_add(LD(p), wasm_f64x2_mul(a0, b0)));
  ST(p + 2, wasm_f64x2_add(LD(p + 2), wasm_f64x2_mul(a1, b1)));
}

static inline void bn_acc1(double *s, double *p, float a, float b) {
  *s += a;
  *p += (double)a * b;
}

// OP_BN_STATS. op: [code, x, partials (chunks × 2C doubles), HW, C]
static void bn_stats_op(const Step *st, const int *op) {
  const float *x = F(op[1]);
  int hw = op[3], C = op[4];
  double *part = (double *)(long)op[2] + (long)st->chunk * 2 * C;
  for (int c = 0; c < 2 * C; c++) part[c] = 0;
  for (long r = (long)st->s0 * hw; r < (long)st->s1 * hw; r++) {
    const float *xr = x + r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) bn_acc4(part + c, part + C + c, LD(xr + c), LD(xr + c));
    for (; c < C; c++) bn_acc1(part + c, part + C + c, xr[c], xr[c]);
  }
}

// y = γ·(x − mean)·invStd + β for rows [r0, r1) of C channels.
static void bn_affine(const float *x, float *y, const float *gamma, const float *beta,
                      const float *mean, const float *inv, long r0, long r1, int C) {
  for (long r = r0; r < r1; r++)
    for (int c = 0; c < C; c++)
      y[r * C + c] = gamma[c] * (x[r * C + c] - mean[c]) * inv[c] + beta[c];
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
  float *y = F(op[2]), *mean = st->scratch, *inv = mean + C, *var = inv + C;
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
  bn_affine(x, y, gamma, beta, mean, inv, (long)st->s0 * hw, (long)st->s1 * hw, C);
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
  for (int c = 0; c < 2 * C; c++) sum[c] = 0;
  for (long r = (long)st->s0 * hw; r < (long)st->s1 * hw; r++) {
    const float *xr = x + r * C, *gr = dy + r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t xhat = wasm_f32x4_mul(wasm_f32x4_sub(LD(xr + c), LD(mean + c)), LD(inv + c));
      bn_acc4(sum + C + c, sum + c, LD(gr + c), xhat);
    }
    for (; c < C; c++) bn_acc1(sum + C + c, sum + c, gr[c], (xr[c] - mean[c]) * inv[c]);
  }
  for (int c = 0; c < C; c++) dgamma[c] = (float)sum[c], dbeta[c] = (float)sum[C + c];
}

// OP_BN_DX. op: [code, x, dy, dx, bnStats, gamma, beta, HW, C]
static void bn_dx_op(const Step *st, const int *op) {
  const float *x = F(op[1]), *dy = F(op[2]), *mean = F(op[4]), *gamma = st->params + op[5];
  float *dx = F(op[3]), *a = st->scratch, *b = st->scratch + op[8];
  float **grads = (float **)I(st->ctl[C_GRADS]);
  int hw = op[7], C = op[8], chunks = st->ctl[C_CHUNKS];
  const float *inv = mean + C;
  float m = (float)st->ctl[C_N] * hw;
  for (int c = 0; c < C; c++) {
    float dgamma = grads[0][op[5] + c], dbeta = grads[0][op[6] + c];
    for (int t = 1; t < chunks; t++) dgamma += grads[t][op[5] + c], dbeta += grads[t][op[6] + c];
    a[c] = dbeta / m;
    b[c] = dgamma / m;
  }
  for (long r = (long)st->s0 * hw; r < (long)st->s1 * hw; r++)
    for (int c = 0; c < C; c++) {
      float xhat = (x[r * C + c] - mean[c]) * inv[c];
      dx[r * C + c] = gamma[c] * inv[c] * (dy[r * C + c] - a[c] - xhat * b[c]);
    }
}

// OP_BN_INFER. op: [code, x, y, gamma, beta, moving mean, moving var, HW, C, ε]
static void bn_infer_op(const Step *st, const int *op) {
  const float *x = F(op[1]), *gamma = st->params + op[3], *beta = st->params + op[4];
  const float *state = F(st->ctl[C_STATE]), *mm = state + op[5], *mv = state + op[6];
  float *y = F(op[2]), *inv = st->scratch;
  int hw = op[7], C = op[8];
  float eps = fcast(op[9]);
  for (int c = 0; c < C; c++) inv[c] = bn_rsqrt(mv[c] + eps);
  bn_affine(x, y, gamma, beta, mm, inv, (long)st->s0 * hw, (long)st->s1 * hw, C);
}
