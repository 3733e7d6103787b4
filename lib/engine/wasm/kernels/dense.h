// The dense kind's ops: z = x·W + b then the activation, over the chunk's rows; the backward
// writes the chunk's kernel and bias gradient and, where backpropagation reaches the input,
// its gradient (dz = dout · f′ in place first).
#pragma once
#include "step.h"
#include "gemm.h"
#include "gemm_nt.h"
#include "small_ops.h"
#include "dense_gemm.h"

// Whether a dense layer's input gradient runs on dense_nt: widths its blocks take without
// tails. The BatchNorm example's 512 → 64 at batch 32, one thread: dense_bwd 0.127 → 0.113
// CPU ms; cnn-deep's 576 → 64, standalone: 135 → 122 µs (2026-12-05).
static inline int dense_fits_nt(int in_n, int out_n) {
  return out_n % 4 == 0 && in_n % 4 == 0;
}

// op: [code, in, out, kernel, bias, in_n, out_n, act]
static void dense_op(const Step *st, const int *op) {
  int in_n = op[5], out_n = op[6], s0 = st->s0, rows = st->s1 - s0;
  float *o = F(op[2]) + (long)s0 * out_n;
  gemm_nn(rows, out_n, in_n, F(op[1]) + (long)s0 * in_n, in_n, 1, st->params + op[3], o, 0);
  bias_act(o, st->params + op[4], rows, out_n, op[7]);
}

// op: [code, in, out, dout, din, kernel, bias, in_n, out_n, act]
static void dense_bwd_op(const Step *st, const int *op) {
  int in_n = op[7], out_n = op[8], s0 = st->s0, rows = st->s1 - s0;
  float *grads = st->grads;
  const float *in = F(op[1]) + (long)s0 * in_n;
  float *dz = F(op[3]) + (long)s0 * out_n;
  for (int c = 0; c < out_n; c++) grads[op[6] + c] = 0.f;
  act_grad_bias(dz, F(op[2]) + (long)s0 * out_n, grads + op[6], rows, out_n, op[9]);
  float *dx = op[4] ? F(op[4]) + (long)s0 * in_n : 0;
  gemm_nn(in_n, out_n, rows, in, 1, in_n, dz, grads + op[5], 0);
  if (dx && dense_fits_nt(in_n, out_n)) dense_nt(rows, in_n, out_n, dz, st->params + op[5], dx);
  else if (dx) gemm_nt(rows, in_n, out_n, dz, st->params + op[5], dx, 0);
}

// An empty chunk still writes its (zero) kernel and bias gradient (see conv_empty).
static void dense_empty(const Step *st, const int *op) {
  int w0 = op[5], b0 = op[6], wn = op[7] * op[8], bn = op[8];
  for (int i = 0; i < wn; i++) st->grads[w0 + i] = 0.f;
  for (int i = 0; i < bn; i++) st->grads[b0 + i] = 0.f;
}
