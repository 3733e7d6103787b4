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
// The sums run 8 (then 4) channels at a time in f64x2 pairs held in registers over all the
// rows, then the odd channels one by one, with the same arithmetic (bn_sums); the elementwise
// loops go to clang's vectoriser, which beat hand-written SIMD there (cnn-basic with a
// batchNorm after its conv, batch 100: the four ops take 6.0 ms of a 22 ms step's CPU time,
// all memory-bound; re-measured 2026-12-05 on the BatchNormalization example: hand-written
// normalise 0.049 → 0.077 ms, dx 0.069 → 0.076 ms, so they stay with the vectoriser).
#pragma once
#include "step.h"
#include "gemm.h"

static inline float bn_rsqrt(float v) { return 1.f / __builtin_sqrtf(v); }

static inline void bn_acc1(double *s, double *p, float a, float b) {
  *s += a;
  *p += (double)a * b;
}

// acc[0..2) += a and acc[2..4) += a·b for four channels, in double.
static inline void bn_acc4(v128_t *acc, v128_t a, v128_t b) {
  v128_t a0 = wasm_f64x2_promote_low_f32x4(a), b0 = wasm_f64x2_promote_low_f32x4(b);
  v128_t a1 = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
  v128_t b1 = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(b, b, 2, 3, 0, 1));
  acc[0] = wasm_f64x2_add(acc[0], a0);
  acc[1] = wasm_f64x2_add(acc[1], a1);
  acc[2] = wasm_f64x2_add(acc[2], wasm_f64x2_mul(a0, b0));
  acc[3] = wasm_f64x2_add(acc[3], wasm_f64x2_mul(a1, b1));
}

// s[c] = Σ a and p[c] = Σ a·b over rows [r0, r1) of C channels, in row order, where b is x
// itself (`norm` 0: the statistics) or x̂ = (x − mean)·invStd (`norm` 1: the gradient sums).
// Eight channels at a time over all the rows, the sums in registers: the row-by-row version
// loaded and stored every partial sum each row (examples/batchnorm.keras.json's first
// batchNorm, 100 K values a step: Σx, Σx² 0.063 → 0.023 ms of CPU; Σdy, Σdy·x̂ 0.084 →
// 0.034–0.043 ms). Same sums in the same order, so the same doubles.
static inline __attribute__((always_inline)) void bn_sums(
    const float *a, const float *x, const float *mean, const float *inv, long r0, long r1,
    int C, double *s, double *p, int norm) {
  int c = 0;
  for (; c + 8 <= C; c += 8) {
    v128_t acc[8] = {0};
    v128_t m0 = norm ? LD(mean + c) : acc[0], m1 = norm ? LD(mean + c + 4) : acc[0];
    v128_t i0 = norm ? LD(inv + c) : acc[0], i1 = norm ? LD(inv + c + 4) : acc[0];
    for (long r = r0; r < r1; r++) {
      v128_t a0 = LD(a + r * C + c), a1 = LD(a + r * C + c + 4), b0 = a0, b1 = a1;
      if (norm) {
        b0 = wasm_f32x4_mul(wasm_f32x4_sub(LD(x + r * C + c), m0), i0);
        b1 = wasm_f32x4_mul(wasm_f32x4_sub(LD(x + r * C + c + 4), m1), i1);
      }
      bn_acc4(acc, a0, b0);
      bn_acc4(acc + 4, a1, b1);
    }
    ST(s + c, acc[0]), ST(s + c + 2, acc[1]), ST(p + c, acc[2]), ST(p + c + 2, acc[3]);
    ST(s + c + 4, acc[4]), ST(s + c + 6, acc[5]), ST(p + c + 4, acc[6]), ST(p + c + 6, acc[7]);
  }
  for (; c + 4 <= C; c += 4) {
    v128_t acc[4] = {0};
    v128_t m0 = norm ? LD(mean + c) : acc[0], i0 = norm ? LD(inv + c) : acc[0];
    for (long r = r0; r < r1; r++) {
      v128_t a0 = LD(a + r * C + c), b0 = a0;
      if (norm) b0 = wasm_f32x4_mul(wasm_f32x4_sub(LD(x + r * C + c), m0), i0);
      bn_acc4(acc, a0, b0);
    }
    ST(s + c, acc[0]), ST(s + c + 2, acc[1]), ST(p + c, acc[2]), ST(p + c + 2, acc[3]);
  }
  for (; c < C; c++) {
    s[c] = p[c] = 0;
    for (long r = r0; r < r1; r++) {
      float b = norm ? (x[r * C + c] - mean[c]) * inv[c] : a[r * C + c];
      bn_acc1(s + c, p + c, a[r * C + c], b);
    }
  }
}

// OP_BN_STATS. op: [code, x, partials (chunks × 2C doubles), HW, C]
static void bn_stats_op(const Step *st, const int *op) {
  const float *x = F(op[1]);
  int hw = op[3], C = op[4];
  double *part = (double *)(long)op[2] + (long)st->chunk * 2 * C;
  bn_sums(x, x, 0, 0, (long)st->s0 * hw, (long)st->s1 * hw, C, part, part + C, 0);
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
  bn_sums(dy, x, mean, inv, (long)st->s0 * hw, (long)st->s1 * hw, C, sum + C, sum, 1);
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
