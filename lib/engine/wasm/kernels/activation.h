// The activations of the CPU engine, the one place their arithmetic is written (and, at the
// end, the activation kind's ops): forward f(v) and the derivative g · f′ taken from the
// output y (as tfjs takes it), 4 lanes at a time; the scalar forms run the same code on one
// lane. Codes match ACTIVATION_CODE in lib/engine/wasm/_layout.ts. e^v comes from one range
// reduction (v = n·ln2 + r, |r| ≤ ln2/2) and a degree-6 minimax polynomial of e^r − 1 (fitted
// for relative error, 1.7e-8 with its float coefficients; the degree-7 Taylor one it replaced
// had 1.5e-8), exact near 0 where tanh and elu need it; only v ≤ 0 is asked for (elu also
// computes and drops v > 0), clamped at −87 (2^n stays normal). Measured against Math.expm1
// over [−90, 0]: elu's worst error 0.98 ulp (plain SIMD 1.05; was 0.84 / 0.87), tanh's 2.5 ulp
// and sigmoid's 2.6 ulp as before. The activation op's elu on the batchNorm example (100 K
// values, CPU ms of a batch-32 step on one thread, 2026-12-05): 0.109 → 0.047 (the tables
// loaded once, 0.070; no integer bias subtraction, one-part ln2, degree 6, no pmin); its
// gradient 0.025 → 0.021. tanh (0.73–0.97 ns a value in a microbenchmark, 200 K a LeNet-5
// step) is bound by its ~20 vector operations, not the division: a multiply in its place
// saved 6 %, the −2 folded into the reduction's constants or 2 vectors an iteration nothing;
// a rational x·P(x²)/Q(x²) (13 operations) fitted to 2e-8 came out at 4.6 ulp in float.
#pragma once
#include "step.h"
#include "simd.h"

enum { ACT_LINEAR, ACT_RELU, ACT_TANH, ACT_SIGMOID, ACT_ELU };

#define F4(x) wasm_f32x4_splat(x)

// The constants of e^x and tanh / sigmoid, read from memory: V8 rebuilds each v128.const in
// every loop iteration (a 64-bit immediate move and an insert, each time; ~15 of them in
// tanh), where a splat load is one instruction. External linkage (not static, not const)
// keeps clang from folding them back into constants.
enum { K_LO, K_LOG2E, K_BIG, K_MLN2, K_MLN2HI, K_MLN2LO, K_P6, K_P5, K_P4, K_P3, K_P2, K_ONE,
       K_MINUS2, K_COUNT };
float act_k[K_COUNT] = {-87.f, 1.44269504f, 12583039.f, -0.693147182f, -0.693145751953125f,
                        -1.428606765330187e-6f, 1.38824270e-3f, 8.36652610e-3f,
                        4.16672044e-2f, 1.66665435e-1f, 4.99999970e-1f, 1.f, -2.f};
// The integer ones likewise: the sign and magnitude masks (V8's f32x4.abs and .neg build
// their mask in each use, three instructions).
enum { KI_SIGN, KI_MAG, KI_COUNT };
int act_ki[KI_COUNT] = {(int)0x80000000, 0x7FFFFFFF};

// Both tables as vectors. act4 loads them in each use (its callers' loops store through
// pointers that may alias the tables, so clang reloads them every iteration); act_map loads
// them once before its loop, which V8 then keeps in registers or its stack frame.
typedef struct {
  v128_t k[K_COUNT], ki[KI_COUNT];
} ActK;
static inline __attribute__((always_inline)) ActK act_consts(void) {
  ActK K;
  for (int i = 0; i < K_COUNT; i++) K.k[i] = SPLAT(&act_k[i]);
  for (int i = 0; i < KI_COUNT; i++) K.ki[i] = SPLAT((const float *)&act_ki[i]);
  return K;
}
#define K4(i) (K->k[i])
#define KI4(i) (K->ki[i])

// e^v − 1 (plus_one = 0) or e^v (plus_one = 1), for v ≤ 0.
static inline __attribute__((always_inline)) v128_t exp_neg4(v128_t v, int plus_one,
                                                              const ActK *K) {
  // pmax and the 1.5·2²³ + 127 rounding constant are single x64 instructions; max (NaN and
  // −0 rules), nearest and trunc_sat are sequences in V8. Same n, same result (NaN passes).
  // big's low 9 bits are then n + 127, 2^n's biased exponent (n ≥ −126): shifted left 23
  // they are 2^n, with no integer subtraction of the bias.
  v = wasm_f32x4_pmax(v, K4(K_LO));
  v128_t big = MADD(v, K4(K_LOG2E), K4(K_BIG));
  v128_t n = wasm_f32x4_sub(big, K4(K_BIG));
  // r = v − n·ln2. e^v (sigmoid's tail) needs ln2 in two parts (n·ln2hi is exact, few bits
  // each) to keep its relative error; in e^v − 1 (elu, tanh) one float ln2 (fused or not) is
  // off by at most 2^n·|n|·ulp(n·ln2) < 3e-8 absolute, where n ≠ 0 and |e^v − 1| > 0.29,
  // and saves a multiply-add (elu 0.64 → 0.58 ns a value in a microbenchmark).
  v128_t r = plus_one ? MADD(n, K4(K_MLN2LO), MADD(n, K4(K_MLN2HI), v)) : MADD(n, K4(K_MLN2), v);
  v128_t p = K4(K_P6);
  p = MADD(p, r, K4(K_P5));
  p = MADD(p, r, K4(K_P4));
  p = MADD(p, r, K4(K_P3));
  p = MADD(p, r, K4(K_P2));
  p = MADD(wasm_f32x4_mul(p, r), r, r);  // e^r − 1 = r + r²·(…)
  v128_t scale = wasm_i32x4_shl(big, 23);
  if (plus_one) return wasm_f32x4_mul(scale, wasm_f32x4_add(p, K4(K_ONE)));
  return MADD(scale, p, wasm_f32x4_sub(scale, K4(K_ONE)));
}

static inline __attribute__((always_inline)) v128_t act4k(v128_t v, int act, const ActK *K) {
  v128_t z = F4(0.f);
  switch (act) {
    case ACT_RELU:  // pmax(v, 0) = v < 0 ? 0 : v, one maxps (max is a sequence in V8): a NaN
      return wasm_f32x4_pmax(v, z);  // passes, −0 stays −0 (as tfjs' x < 0 ? 0 : x)
    case ACT_TANH: {  // sign(v) · (1 − e^−2|v|) / (1 + e^−2|v|), with e = e^−2|v| − 1 exact:
      // ±e / (−2 − e), the sign of v moved onto e (the same floats as negating e and ORing
      // the sign into the quotient, two operations fewer).
      v128_t e = exp_neg4(wasm_f32x4_mul(wasm_v128_and(v, KI4(KI_MAG)), K4(K_MINUS2)), 0, K);
      v128_t se = wasm_v128_xor(e, wasm_v128_and(v, KI4(KI_SIGN)));
      return wasm_f32x4_div(se, wasm_f32x4_sub(K4(K_MINUS2), e));
    }
    case ACT_SIGMOID: {  // 1 / (1 + e^−|v|), mirrored for v < 0
      v128_t e = exp_neg4(wasm_v128_or(v, KI4(KI_SIGN)), 1, K);
      v128_t s = wasm_f32x4_div(K4(K_ONE), wasm_f32x4_add(e, K4(K_ONE)));
      return SELECT(wasm_f32x4_mul(e, s), s, wasm_f32x4_lt(v, z));
    }
    case ACT_ELU:  // e^v − 1 of a v > 0 (garbage past 88) is computed but not selected;
      // NaN passes (was pmin(v, 0) first: one instruction more, elu 0.53 → 0.48 ns a value)
      return SELECT(v, exp_neg4(v, 0, K), wasm_f32x4_gt(v, z));
    default:
      return v;
  }
}

// f(v) with the tables loaded here (in a caller's loop: each iteration).
static inline v128_t act4(v128_t v, int act) {
  ActK K = act_consts();
  return act4k(v, act, &K);
}

// g · f′ from y, with 1 as the caller has it (act_grad_map: a register loaded once).
static inline __attribute__((always_inline)) v128_t act_grad4k(v128_t g, v128_t y, int act,
                                                               v128_t one) {
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

// g · f′ with 1 as a v128.const (as before act_grad4k; pool.h's ReLU path must not change).
static inline v128_t act_grad4(v128_t g, v128_t y, int act) {
  return act_grad4k(g, y, act, F4(1.f));
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
  ActK K = act_consts();
  for (; i + 4 <= n; i += 4) ST(out + i, act4k(LD(in + i), act, &K));
  for (; i < n; i++) out[i] = act1(in[i], act);
}

// dx[i] = g[i] · f′ from y[i], for n elements.
static void act_grad_map(const float *g, const float *y, float *dx, long n, int act) {
  long i = 0;
  v128_t one = SPLAT(&act_k[K_ONE]);
  for (; i + 4 <= n; i += 4) ST(dx + i, act_grad4k(LD(g + i), LD(y + i), act, one));
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
