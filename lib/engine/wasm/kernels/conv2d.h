// The conv2d kind's ops (OP_CONV, OP_CONV_BWD): im2col + GEMM for any window, strides and
// padding (the input read in place where windows stay inside it: conv_inside.h and
// conv_input_grad.h; LeNet-5's conv1 on padded planes: conv_planes.h), Winograd
// F(2×2, 3×3) for the square 3×3 stride-1 ones _program.ts picks (kinds/conv2d.ts:
// usesWinograd; for outputs of 16 to 63 pixels, usesWinogradForward, the forward and the
// filter gradient only, by groups of samples). The backward writes the chunk's kernel and
// bias gradient and, where backpropagation reaches the input, its gradient.
#pragma once
#include "step.h"
#include "gemm.h"
#include "small_ops.h"
#include "conv_patches.h"
#include "winograd.h"
#include "winograd_small.h"
#include "conv_inside.h"
#include "conv_input_grad.h"
#include "conv_one_channel_forward.h"
#include "conv_one_channel_grad.h"

// im2col patches built at once: up to ~288 KB (2 samples of cnn-deep conv2), so patches,
// their gradient and the 73 KB filter stay in a 1–2 MB L2 while the GEMMs reuse them.
#define CHUNK_FLOATS 72000

// An empty chunk still writes its (zero) kernel and bias gradient: a chunk's gradient array
// is written, not accumulated into, by the first contribution to each parameter.
static void conv_empty(const Step *st, const int *op) {
  int w0 = op[5], b0 = op[6], wn = op[10] * op[18] * op[9] * op[11], bn = op[11];
  for (int i = 0; i < wn; i++) st->grads[w0 + i] = 0.f;
  for (int i = 0; i < bn; i++) st->grads[b0 + i] = 0.f;
}

// A conv op's words, decoded once, and the areas of the running thread's scratch.
typedef struct {
  const float *in, *w;
  float *out, *dout, *din, *bias, *dw, *db;
  int bwd, has_din, H, W, C, CO, OH, OW, m1, kdim, patch, chunk, act, folded;
  int wino, small, fg_only, pad, boff;
  Window g;
  float *p, *dp, *wt, *uf, *ud, *wv, *wm, *du;
} Conv;

// op (forward): [code, in, out, kernel, bias, H, W, C, K, CO, pad, OH, OW, wino, act, KW, SH,
// SW, PL, small]; backward: [code, in, out, dout, din, kernel, …, OH, OW, wino, folded, act,
// KW, SH, SW, PL, small] (words of kinds/conv2d.ts).
static Conv conv_decode(const Step *st, const int *op) {
  Conv c;
  int bwd = op[0] == OP_CONV_BWD, a = bwd ? 4 : 2;
  c.bwd = bwd, c.in = F(op[1]), c.out = F(op[2]);
  c.dout = bwd ? F(op[3]) : 0, c.din = bwd ? F(op[4]) : 0, c.has_din = bwd && op[4];
  c.boff = op[a + 2], c.w = st->params + op[a + 1], c.bias = st->params + c.boff;
  c.dw = st->grads + op[a + 1], c.db = st->grads + c.boff;
  c.H = op[a + 3], c.W = op[a + 4], c.C = op[a + 5], c.CO = op[a + 7], c.pad = op[a + 8];
  c.OH = op[a + 9], c.OW = op[a + 10];
  // The window's columns, strides and left padding follow the op's other words.
  const int *more = op + (bwd ? 18 : 15);
  c.g = (Window){op[a + 6], more[0], more[1], more[2], c.pad, more[3]};
  // op[16]: the activation′ (op[17]) is folded into the following pool's gradient.
  c.folded = bwd && op[16], c.act = bwd ? (op[16] ? 0 : op[17]) : op[14];
  c.kdim = c.g.kh * c.g.kw * c.C, c.m1 = c.OH * c.OW, c.patch = c.m1 * c.kdim;
  c.chunk = CHUNK_FLOATS / c.patch < 1 ? 1 : CHUNK_FLOATS / c.patch;
  c.p = st->scratch, c.dp = c.p + (long)c.chunk * c.patch, c.wt = c.dp + (long)c.chunk * c.patch;
  // Winograd area (3×3 kernels, see _program.ts): U forward, U of the input gradient, V, M.
  // small (16 to 63 output pixels): the forward and the filter gradient on Winograd by
  // groups of samples (winograd_small.h), the input gradient direct.
  c.wino = op[bwd ? 15 : 13], c.small = op[bwd ? 22 : 19], c.fg_only = bwd && c.small;
  int widest = c.C > c.CO ? c.C : c.CO;
  long tiles = c.small ? WINO_GROUP * ((c.OH + 1) / 2) * ((c.OW + 1) / 2)
                       : ((c.H + 1) / 2) * ((c.W + 1) / 2);
  c.uf = st->scratch + c.wino, c.ud = c.uf + 16 * c.C * c.CO, c.wv = c.ud + 16 * c.C * c.CO;
  c.wm = c.wv + 16L * tiles * widest, c.du = c.wm + 16L * tiles * widest;
  return c;
}

// The full Winograd backward: per sample, activation′ and bias sums, the filter gradient's
// transforms, and the input gradient as a Winograd conv of dZ with the flipped filter.
static void conv_wino_backward(const Conv *c, int s0, int s1) {
  int H = c->H, W = c->W, C = c->C, CO = c->CO, m1 = c->m1;
  for (int k = 0; k < CO; k++) c->db[k] = 0.f;
  for (int s = s0; s < s1; s++) {
    float *dz = c->dout + (long)s * m1 * CO;
    act_grad_bias(dz, c->out + (long)s * m1 * CO, c->db, m1, CO, c->act);
    wino_filter_grad(c->in + (long)s * H * W * C, 1, 1, H, W, C, dz, c->OH, c->OW, CO,
                     -c->pad, c->wv, c->wm, c->du, s > s0);
    if (c->has_din)
      wino_conv(dz, 1, 1, c->OH, c->OW, CO, c->din + (long)s * H * W * C, H, W, C,
                c->pad - 2, c->ud, c->wv, c->wm, 0, 0);
  }
  wino_filter_grad_out(c->du, c->dw, C, CO);
}

// A 1-channel input (a first layer: no input gradient) read in place, all chunk samples at
// once (conv_one_channel_forward.h, conv_one_channel_grad.h).
static void conv_one_channel_op(const Step *st, const Conv *c) {
  int n = st->s1 - st->s0, m = n * c->m1, CO = c->CO;
  const float *x = c->in + (long)st->s0 * c->H * c->W;
  float *o = c->out + (long)st->s0 * c->m1 * CO;
  if (!c->bwd) {
    conv_one_channel_forward(x, n, c->H, c->W, c->g, c->OH, c->OW, c->w, c->bias, c->act, o,
                             CO);
    return;
  }
  float *dz = c->dout + (long)st->s0 * c->m1 * CO;
  for (int k = 0; k < CO; k++) c->db[k] = 0.f;
  if (c->act) act_grad_bias(dz, o, c->db, m, CO, c->act);
  // A bias-free conv's zero bias lies past the trained parameters, its gradient never
  // summed (_program.ts): not made (conv1 of the BatchNormalization example: −5 µs).
  else if (c->boff < st->ctl[C_NPARAMS]) bias_grad_linear(dz, m, CO, c->db);
  conv_one_channel_filter_grad(x, n, c->H, c->W, c->g, c->OH, c->OW, dz, c->dw, CO, 0);
}

// The im2col / in-place forward, cs samples at a time.
static void conv_general_forward(const Conv *c, int s0, int s1) {
  int in_place = reads_in_place(c->g, c->H, c->W, c->C, c->OH, c->OW, c->CO);
  long in1 = (long)c->H * c->W * c->C, out1 = (long)c->m1 * c->CO;
  for (int s = s0; s < s1; s += c->chunk) {
    int cs = s1 - s < c->chunk ? s1 - s : c->chunk;
    if (in_place)
      conv_forward_in_place(c->in + s * in1, cs, c->H, c->W, c->C, c->g, c->OH, c->OW, c->w,
                            c->bias, c->act, c->out + s * out1, c->CO);
    else
      conv_forward(c->in + s * in1, c->p, cs, c->H, c->W, c->C, c->g, c->OH, c->OW, c->w,
                   c->bias, c->act, c->out + s * out1, c->CO);
  }
}

// dX of cs samples from dZ (m = cs·OH·OW rows): straight into dX where windows stay inside
// (conv_input_grad.h), else dP = dZ·Wᵀ and col2im.
static void conv_input_grad_chunk(const Conv *c, const float *dz, float *di, int cs,
                                  int direct) {
  int H = c->H, W = c->W, C = c->C, m = cs * c->m1;
  for (long j = 0; j < (long)cs * H * W * C; j++) di[j] = 0.f;
  if (direct) {
    // dP's area is free here (conv_filter_grad may have used it): rebuilt per chunk.
    wtp_build(c->w, c->g, C, c->CO, c->dp);
    conv_input_grad(dz, m, c->CO, c->dp, di, H, W, C, c->g, c->OH, c->OW);
    return;
  }
  gemm_nn(m, c->kdim, c->CO, dz, c->CO, 1, c->wt, c->dp, 0);
  for (int t = 0; t < cs; t++)
    patches(di + (long)t * H * W * C, c->dp + (long)t * c->patch, H, W, C, c->g, c->OH, c->OW,
            0);
}

// The im2col / in-place / small-Winograd backward, cs samples at a time.
static void conv_general_backward(const Conv *c, int s0, int s1) {
  int H = c->H, W = c->W, C = c->C, CO = c->CO, kdim = c->kdim;
  int in_place = reads_in_place(c->g, H, W, C, c->OH, c->OW, CO);
  int direct = c->has_din && inside(c->g, H, W, c->OH, c->OW) && c->g.kw * C >= 8 &&
               wtp_floats(c->g, C, CO) <= (long)c->chunk * c->patch;
  if (c->has_din && !direct) {
    // Wᵀ [CO × kdim], so dP = dZ·Wᵀ runs on the broadcast kernel (dot products along the
    // short CO axis ran at 2/3 of its speed); 18 K floats at most, per thread per step.
    for (int r = 0; r < kdim; r++)
      for (int k = 0; k < CO; k++) c->wt[(long)k * kdim + r] = c->w[(long)r * CO + k];
  }
  long in1 = (long)H * W * C, out1 = (long)c->m1 * CO;
  // 6 filters on padded planes, no input gradient (LeNet-5's conv1): the activation′ is
  // applied on the way into dZᵀ (conv_transpose6.h: act_grad_transpose6).
  int t6 = !in_place && !c->fg_only && !c->has_din && CO == 6 &&
           uses_planes(C, c->g, c->OW, CO);
  for (int k = 0; k < CO; k++) c->db[k] = 0.f;
  for (int s = s0; s < s1; s += c->chunk) {
    int cs = s1 - s < c->chunk ? s1 - s : c->chunk, sa, sk;
    const float *x = c->in + s * in1;
    float *dz = c->dout + s * out1;
    if (!in_place && !c->fg_only)
      conv_patches(x, c->p, cs, H, W, C, c->g, c->OH, c->OW, CO, &sa, &sk);
    if (t6) act_grad_transpose6(dz, c->out + s * out1, c->act, c->db, cs * c->m1, c->dp);
    else act_grad_bias(dz, c->out + s * out1, c->db, cs * c->m1, CO, c->act);
    if (c->fg_only)
      wino_filter_grad(x, cs, WINO_GROUP, H, W, C, dz, c->OH, c->OW, CO, -c->pad, c->wv,
                       c->wm, c->du, s > s0);
    else if (in_place)
      conv_filter_grad_in_place(x, cs, H, W, C, c->g, c->OH, c->OW, dz, c->dw, CO, s > s0);
    else if (t6) planes_filter_grad(c->p, cs, c->g, c->OH, c->OW, CO, c->dp, c->dw, s > s0);
    else
      conv_filter_grad(kdim, CO, cs, c->g, c->OH, c->OW, c->p, sa, sk, dz, c->dw, s > s0, c->dp);
    if (c->has_din) conv_input_grad_chunk(c, dz, c->din + s * in1, cs, direct);
  }
  if (c->fg_only) wino_filter_grad_out(c->du, c->dw, C, CO);
}

static void conv_op(const Step *st, const int *op) {
  Conv c = conv_decode(st, op);
  int s0 = st->s0, s1 = st->s1;
  if (c.wino && !c.fg_only && st->first && (!c.bwd || c.has_din))
    wino_filter(c.w, c.bwd ? c.ud : c.uf, c.C, c.CO, c.bwd);
  if (c.wino && !c.bwd)
    wino_forward(c.in, s0, s1, c.H, c.W, c.C, c.out, c.OH, c.OW, c.CO, -c.pad, c.small, c.uf,
                 c.wv, c.wm, c.bias, c.act);
  else if (c.wino && !c.fg_only) conv_wino_backward(&c, s0, s1);
  else if (one_channel(c.C, c.CO) && !c.has_din) conv_one_channel_op(st, &c);
  else if (c.bwd) conv_general_backward(&c, s0, s1);
  else conv_general_forward(&c, s0, s1);
}
