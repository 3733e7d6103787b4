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

// The constants of e^x and tanh / sigmoid, read from memory: V8 rebuilds each v128.const in
// every loop iteration (a 64-bit immediate move and an insert, each time; ~15 of them in
// tanh), where a splat load is one instruction. External linkage (not static, not const)
// keeps clang from folding them back into constants.
enum { K_LO, K_LOG2E, K_BIG, K_MLN2HI, K_MLN2LO, K_P7, K_P6, K_P5, K_P4, K_P3, K_P2, K_ONE,
       K_MINUS2, K_COUNT };
float act_k[K_COUNT] = {-87.f, 1.44269504f, 12582912.f, -0.693145751953125f,
                        -1.428606765330187e-6f, 1.f / 5040.f, 1.f / 720.f, 1.f / 120.f,
                        1.f / 24.f, 1.f / 6.f, 0.5f, 1.f, -2.f};
#define K4(i) SPLAT(&act_k[i])
// The integer ones likewise: 2^n's exponent bias in e^x, and the sign and magnitude masks
// (V8's f32x4.abs and .neg build their mask in each use, three instructions).
enum { KI_BIAS, KI_SIGN, KI_MAG, KI_COUNT };
int act_ki[KI_COUNT] = {0x4B400000 - 127, (int)0x80000000, 0x7FFFFFFF};
#define KI4(i) SPLAT((const float *)&act_ki[i])

// e^v − 1 (plus_one = 0) or e^v (plus_one = 1), for v ≤ 0.
static inline v128_t exp_neg4(v128_t v, int plus_one) {
  // pmax and the 1.5·2²³ rounding constant are single x64 instructions; max (NaN and −0
  // rules), nearest and trunc_sat are sequences in V8. Same n, same result (NaN passes).
  v = wasm_f32x4_pmax(v, K4(K_LO));
  // The reduction as multiply-adds: n·ln2hi is exact (few bits each), so a fused and a
  // separate multiply-add give the same r but for the last, tiny term.
  v128_t big = MADD(v, K4(K_LOG2E), K4(K_BIG));
  v128_t n = wasm_f32x4_sub(big, K4(K_BIG));
  v128_t r = MADD(n, K4(K_MLN2LO), MADD(n, K4(K_MLN2HI), v));
  v128_t p = K4(K_P7);
  p = MADD(p, r, K4(K_P6));
  p = MADD(p, r, K4(K_P5));
  p = MADD(p, r, K4(K_P4));
  p = MADD(p, r, K4(K_P3));
  p = MADD(p, r, K4(K_P2));
  p = MADD(wasm_f32x4_mul(p, r), r, r);  // e^r − 1 = r + r²·(…)
  v128_t bits = wasm_i32x4_sub(big, KI4(KI_BIAS));
  v128_t scale = wasm_i32x4_shl(bits, 23);
  if (plus_one) return wasm_f32x4_mul(scale, wasm_f32x4_add(p, K4(K_ONE)));
  return MADD(scale, p, wasm_f32x4_sub(scale, K4(K_ONE)));
}

static inline v128_t act4(v128_t v, int act) {
  v128_t z = F4(0.f);
  switch (act) {
    case ACT_RELU:
      return wasm_f32x4_max(v, z);
    case ACT_TANH: {  // sign(v) · (1 − e^−2|v|) / (1 + e^−2|v|), with e = e^−2|v| − 1 exact:
      // ±e / (−2 − e), the sign of v moved onto e (the same floats as negating e and ORing
      // the sign into the quotient, two operations fewer).
      v128_t e = exp_neg4(wasm_f32x4_mul(wasm_v128_and(v, KI4(KI_MAG)), K4(K_MINUS2)), 0);
      v128_t se = wasm_v128_xor(e, wasm_v128_and(v, KI4(KI_SIGN)));
      return wasm_f32x4_div(se, wasm_f32x4_sub(K4(K_MINUS2), e));
    }
    case ACT_SIGMOID: {  // 1 / (1 + e^−|v|), mirrored for v < 0
      v128_t e = exp_neg4(wasm_v128_or(v, KI4(KI_SIGN)), 1);
      v128_t s = wasm_f32x4_div(K4(K_ONE), wasm_f32x4_add(e, K4(K_ONE)));
      return SELECT(wasm_f32x4_mul(e, s), s, wasm_f32x4_lt(v, z));
    }
    case ACT_ELU:  // pmin (one x64 instruction; min is a sequence in V8): NaN still passes
      return SELECT(v, exp_neg4(wasm_f32x4_pmin(v, z), 0), wasm_f32x4_gt(v, z));
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
      return SELECT(g, wasm_f32x4_mul(g, wasm_f32x4_add(y, one)),
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
