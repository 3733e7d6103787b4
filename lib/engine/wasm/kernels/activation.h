// The activations of the CPU engine, the one place their arithmetic is written (and, at the
// end, the activation kind's ops): forward f(v) and the derivative g · f′ taken from the
// output y (as tfjs takes it), 4 lanes at a time; the scalar forms run the same code on one
// lane. Codes match ACTIVATION_CODE in lib/engine/wasm/_layout.ts. e^v comes from one range
// reduction (v = n·ln2 + r, |r| ≤ ln2/2) and a degree-7 Taylor polynomial of e^r − 1 (error
// < 2e-8 relative), exact near 0 where tanh and elu need it; only v ≤ 0 is ever asked for,
// clamped at −87 (2^n stays normal).
#pragma once
#include "step.h"
#include "gemm.h"

enum { ACT_LINEAR, ACT_RELU, ACT_TANH, ACT_SIGMOID, ACT_ELU };

#define F4(x) wasm_f32x4_splat(x)

// e^v − 1 (plus_one = 0) or e^v (plus_one = 1), for v ≤ 0.
static inline v128_t exp_neg4(v128_t v, int plus_one) {
  v = wasm_f32x4_max(v, F4(-87.f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(v, F4(1.44269504f)));
  v128_t r = wasm_f32x4_sub(wasm_f32x4_sub(v, wasm_f32x4_mul(n, F4(0.693145751953125f))),
                            wasm_f32x4_mul(n, F4(1.428606765330187e-6f)));
  v128_t p = F4(1.f / 5040.f);
  p = MADD(p, r, F4(1.f / 720.f));
  p = MADD(p, r, F4(1.f / 120.f));
  p = MADD(p, r, F4(1.f / 24.f));
  p = MADD(p, r, F4(1.f / 6.f));
  p = MADD(p, r, F4(0.5f));
  p = MADD(wasm_f32x4_mul(p, r), r, r);  // e^r − 1 = r + r²·(…)
  v128_t bits = wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127));
  v128_t scale = wasm_i32x4_shl(bits, 23);
  if (plus_one) return wasm_f32x4_mul(scale, wasm_f32x4_add(p, F4(1.f)));
  return wasm_f32x4_add(wasm_f32x4_mul(scale, p), wasm_f32x4_sub(scale, F4(1.f)));
}

static inline v128_t act4(v128_t v, int act) {
  v128_t z = F4(0.f);
  switch (act) {
    case ACT_RELU:
      return wasm_f32x4_max(v, z);
    case ACT_TANH: {  // sign(v) · (1 − e^−2|v|) / (1 + e^−2|v|), with e^−2|v| − 1 kept exact
      v128_t e = exp_neg4(wasm_f32x4_mul(wasm_f32x4_abs(v), F4(-2.f)), 0);
      v128_t t = wasm_f32x4_div(wasm_f32x4_neg(e), wasm_f32x4_add(e, F4(2.f)));
      return wasm_v128_or(t, wasm_v128_and(v, wasm_i32x4_splat((int)0x80000000)));
    }
    case ACT_SIGMOID: {  // 1 / (1 + e^−|v|), mirrored for v < 0
      v128_t e = exp_neg4(wasm_f32x4_neg(wasm_f32x4_abs(v)), 1);
      v128_t s = wasm_f32x4_div(F4(1.f), wasm_f32x4_add(e, F4(1.f)));
      return wasm_v128_bitselect(wasm_f32x4_mul(e, s), s, wasm_f32x4_lt(v, z));
    }
    case ACT_ELU:
      return wasm_v128_bitselect(v, exp_neg4(wasm_f32x4_min(v, z), 0), wasm_f32x4_gt(v, z));
    default:
      return v;
  }
}

static inline v128_t act_grad4(v128_t g, v128_t y, int act) {
  v128_t one = F4(1.f);
  switch (act) {
    case ACT_RELU:
      return wasm_v128_and(g, wasm_f32x4_gt(y, F4(0.f)));
    case ACT_TANH:
      return wasm_f32x4_mul(g, wasm_f32x4_sub(one, wasm_f32x4_mul(y, y)));
    case ACT_SIGMOID:
      return wasm_f32x4_mul(g, wasm_f32x4_mul(y, wasm_f32x4_sub(one, y)));
    case ACT_ELU:
      return wasm_v128_bitselect(g, wasm_f32x4_mul(g, wasm_f32x4_add(y, one)),
                                 wasm_f32x4_gt(y, F4(0.f)));
    default:
      return g;
  }
}

static inline float act1(float v, int act) {
  return wasm_f32x4_extract_lane(act4(F4(v), act), 0);
}

static inline float act_grad1(float g, float y, int act) {
  return wasm_f32x4_extract_lane(act_grad4(F4(g), F4(y), act), 0);
}

// out[i] = f(in[i]) for n elements (in may be out).
static void act_map(const float *in, float *out, long n, int act) {
  long i = 0;
  for (; i + 4 <= n; i += 4) ST(out + i, act4(LD(in + i), act));
  for (; i < n; i++) out[i] = act1(in[i], act);
}

// dx[i] = g[i] · f′ from y[i], for n elements.
static void act_grad_map(const float *g, const float *y, float *dx, long n, int act) {
  long i = 0;
  for (; i + 4 <= n; i += 4) ST(dx + i, act_grad4(LD(g + i), LD(y + i), act));
  for (; i < n; i++) dx[i] = act_grad1(g[i], y[i], act);
}

// OP_ACT. op: [code, in, out, n (per sample), act]
static void act_op(const Step *st, const int *op) {
  long n = op[3], s0 = st->s0;
  act_map(F(op[1]) + s0 * n, F(op[2]) + s0 * n, (st->s1 - s0) * n, op[4]);
}

// OP_ACT_BWD. op: [code, dout, din, out, n (per sample), act]
static void act_bwd_op(const Step *st, const int *op) {
  long n = op[4], s0 = st->s0;
  long count = (st->s1 - s0) * n;
  act_grad_map(F(op[1]) + s0 * n, F(op[3]) + s0 * n, F(op[2]) + s0 * n, count, op[5]);
}
