// The program's two ends, which are no layer kind: the input gather (the batch's images as
// pixel / 255 through a table, and its labels, in the step's sample order) and the softmax
// at the last layer's logits, either with the loss and its gradient (training) or as the
// probabilities (the inference program).
#pragma once
#include "step.h"
#include "small_ops.h"

// op: [code, images (u8), labels (u8), order, lut, x, y, pixels]
static void input_op(const Step *st, const int *op) {
  const u8 *img = (const u8 *)(long)op[1], *lab = (const u8 *)(long)op[2];
  const int *order = I(op[3]) + st->ctl[C_ORDER_OFF];
  const float *lut = F(op[4]);
  float *x = F(op[5]);
  int *y = I(op[6]), px = op[7];
  for (int s = st->s0; s < st->s1; s++) {
    const u8 *src = img + (long)order[s] * px;
    for (int j = 0; j < px; j++) x[(long)s * px + j] = lut[src[j]];
    y[s] = lab[order[s]];
  }
}

// p = softmax(z) of one row of nc logits, through the log-sum-exp in double.
static void softmax_row(const float *zr, int nc, float *p) {
  double mx = zr[0], sum = 0;
  for (int j = 1; j < nc; j++) mx = zr[j] > mx || zr[j] != zr[j] ? zr[j] : mx;
  for (int j = 0; j < nc; j++) sum += exp_d(zr[j] - mx);
  double lse = mx + log_d(sum);
  for (int j = 0; j < nc; j++) p[j] = (float)exp_d(zr[j] - lse);
}

// OP_LOSS. op: [code, logits, labels, dlogits, classes (≤ 64)]
static void loss_op(const Step *st, const int *op) {
  int *ctl = st->ctl;
  const float *z = F(op[1]);
  const int *y = I(op[2]);
  float *dz = F(op[3]), *loss = F(ctl[C_LOSS]), *correct = F(ctl[C_CORRECT]);
  int nc = op[4];
  float inv_n = 1.f / (float)ctl[C_N], eps = 1e-7f, hi = 1.f - 1e-7f;
  for (int s = st->s0; s < st->s1; s++) {
    float *dr = dz + (long)s * nc, p[64];
    softmax_row(z + (long)s * nc, nc, p);
    int arg = 0, l = y[s];
    for (int j = 0; j < nc; j++)
      if (p[j] > p[arg]) arg = j;
    float pl = p[l], clipped = pl < eps ? eps : pl > hi ? hi : pl;
    loss[s] = pl != pl ? pl : (float)-log_d(clipped);
    correct[s] = arg == l ? 1.f : 0.f;
    // The clip's gradient is zero outside [eps, 1 - eps] (tfjs' maximum / minimum grads).
    int pass = pl >= eps && pl <= hi;
    for (int j = 0; j < nc; j++)
      dr[j] = pass || pl != pl ? (p[j] - (j == l ? 1.f : 0.f)) * inv_n : 0.f;
  }
}

// OP_PROBS. op: [code, logits, probabilities, classes]
static void probs_op(const Step *st, const int *op) {
  int nc = op[3];
  for (int s = st->s0; s < st->s1; s++)
    softmax_row(F(op[1]) + (long)s * nc, nc, F(op[2]) + (long)s * nc);
}
