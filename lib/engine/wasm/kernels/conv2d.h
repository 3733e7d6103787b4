// The conv2d kind's ops (OP_CONV, OP_CONV_BWD): im2col + GEMM for any window, strides and
// padding (the input read in place where windows stay inside it: conv_inside.h), Winograd
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
#include "conv_one_channel.h"

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

// op (forward): [code, in, out, kernel, bias, H, W, C, K, CO, pad, OH, OW, wino, act, KW, SH,
// SW, PL]; backward: [code, in, out, dout, din, kernel, …, OH, OW, wino, folded, act, KW, SH,
// SW, PL] (words of kinds/conv2d.ts).
static void conv_op(const Step *st, const int *op) {
  float *params = st->params, *grads = st->grads, *scratch = st->scratch;
  int s0 = st->s0, s1 = st->s1, first = st->first;
  int bwd = op[0] == OP_CONV_BWD, a = bwd ? 4 : 2;
  const float *in = F(op[1]);
  float *out = F(op[2]), *dout = bwd ? F(op[3]) : 0, *din = bwd ? F(op[4]) : 0;
  int woff = op[a + 1], boff = op[a + 2], H = op[a + 3], W = op[a + 4], C = op[a + 5];
  int K = op[a + 6], CO = op[a + 7], pad = op[a + 8], OH = op[a + 9], OW = op[a + 10];
  // The window's columns, strides and left padding follow the op's other words.
  const int *more = op + (bwd ? 18 : 15);
  Window g = {K, more[0], more[1], more[2], pad, more[3]};
  int kdim = K * g.kw * C, m1 = OH * OW, patch = m1 * kdim;
  int chunk = CHUNK_FLOATS / patch < 1 ? 1 : CHUNK_FLOATS / patch;
  const float *w = params + woff;
  float *p = scratch, *dp = scratch + (long)chunk * patch, *wt = dp + (long)chunk * patch;
  // Winograd area (3×3 kernels, see _program.ts): U forward, U of the input gradient, V, M.
  // small (op[19] / op[22]: 16 to 63 output pixels): the forward and the filter gradient on
  // Winograd by groups of samples (winograd_small.h), the input gradient direct.
  int wino = op[bwd ? 15 : 13], small = op[bwd ? 22 : 19], fg_only = bwd && small;
  float *uf = scratch + wino, *ud = uf + 16 * C * CO, *wv = ud + 16 * C * CO;
  long tiles = small ? WINO_GROUP * ((OH + 1) / 2) * ((OW + 1) / 2)
                     : ((H + 1) / 2) * ((W + 1) / 2);
  float *wm = wv + 16L * tiles * (C > CO ? C : CO), *du = wm + 16L * tiles * (C > CO ? C : CO);
  if (wino && !fg_only && first && (!bwd || op[4])) wino_filter(w, bwd ? ud : uf, C, CO, bwd);
  if (wino && !bwd) {
    wino_forward(in, s0, s1, H, W, C, out, OH, OW, CO, -pad, small, uf, wv, wm, params + boff,
                 op[14]);
    return;
  }
  if (wino && !fg_only) {
    for (int c = 0; c < CO; c++) grads[boff + c] = 0.f;
    for (int s = s0; s < s1; s++) {
      float *dz = dout + (long)s * m1 * CO;
      act_grad_bias(dz, out + (long)s * m1 * CO, grads + boff, m1, CO, op[16] ? 0 : op[17]);
      wino_filter_grad_acc(in + (long)s * H * W * C, H, W, C, dz, OH, OW, CO, -pad, wv, wm,
                           du, s > s0);
      if (op[4])
        wino_conv(dz, OH, OW, CO, din + (long)s * H * W * C, H, W, C, pad - 2, ud, wv, wm, 0,
                  0);
    }
    wino_filter_grad_out(du, grads + woff, C, CO);
    return;
  }
  // A 1-channel input (a first layer: no input gradient) read in place, all chunk samples
  // at once (conv_one_channel.h).
  if (one_channel(C, CO) && !(bwd && op[4])) {
    const float *x = in + (long)s0 * H * W;
    float *o = out + (long)s0 * m1 * CO, *dz = bwd ? dout + (long)s0 * m1 * CO : 0;
    if (!bwd) {
      conv_one_channel_forward(x, s1 - s0, H, W, g, OH, OW, w, params + boff, op[14], o, CO);
      return;
    }
    int act = op[16] ? 0 : op[17];
    for (int c = 0; c < CO; c++) grads[boff + c] = 0.f;
    if (act) act_grad_bias(dz, o, grads + boff, (s1 - s0) * m1, CO, act);
    // A bias-free conv's zero bias lies past the trained parameters, its gradient never
    // summed (_program.ts): not made (conv1 of the BatchNormalization example: −5 µs).
    else if (boff < st->ctl[C_NPARAMS]) bias_grad_linear(dz, (s1 - s0) * m1, CO, grads + boff);
    conv_one_channel_filter_grad(x, s1 - s0, H, W, g, OH, OW, dz, grads + woff, CO, 0);
    return;
  }
  // Windows inside the input: no im2col, and, with room in dP's area, no dP (conv_inside.h).
  int in_place = reads_in_place(g, H, W, C, OH, OW, CO);
  int direct = bwd && op[4] && inside(g, H, W, OH, OW) && g.kw * C >= 8 &&
               wtp_floats(g, C, CO) <= (long)chunk * patch;
  if (bwd && op[4] && !direct) {
    // Wᵀ [CO × kdim], so dP = dZ·Wᵀ runs on the broadcast kernel (dot products along the
    // short CO axis ran at 2/3 of its speed); 18 K floats at most, per thread per step.
    for (int r = 0; r < kdim; r++)
      for (int c = 0; c < CO; c++) wt[(long)c * kdim + r] = w[(long)r * CO + c];
  }
  for (int s = s0; s < s1; s += chunk) {
    int cs = s1 - s < chunk ? s1 - s : chunk, m = cs * m1;
    float *o = out + (long)s * m1 * CO;
    if (!bwd) {
      if (in_place) {
        conv_forward_in_place(in + (long)s * H * W * C, cs, H, W, C, g, OH, OW, w,
                              params + boff, op[14], o, CO);
      } else {
        conv_forward(in + (long)s * H * W * C, p, cs, H, W, C, g, OH, OW, w, params + boff,
                     op[14], o, CO);
      }
      continue;
    }
    int sa, sk;
    if (!in_place && !fg_only)
      conv_patches(in + (long)s * H * W * C, p, cs, H, W, C, g, OH, OW, CO, &sa, &sk);
    float *dz = dout + (long)s * m1 * CO;
    if (s == s0)
      for (int c = 0; c < CO; c++) grads[boff + c] = 0.f;
    // op[16]: the activation′ (op[17]) is folded into the following pool's gradient.
    act_grad_bias(dz, o, grads + boff, m, CO, op[16] ? 0 : op[17]);
    if (fg_only)
      wino_filter_grad_group(in + (long)s * H * W * C, cs, H, W, C, dz, OH, OW, CO, -pad, wv,
                             wm, du, s > s0);
    else if (in_place)
      conv_filter_grad_in_place(in + (long)s * H * W * C, cs, H, W, C, g, OH, OW, dz,
                                grads + woff, CO, s > s0);
    else conv_filter_grad(kdim, CO, cs, g, OH, OW, p, sa, sk, dz, grads + woff, s > s0, dp);
    if (op[4]) {
      float *di = din + (long)s * H * W * C;
      for (long j = 0; j < (long)cs * H * W * C; j++) di[j] = 0.f;
      if (direct) {
        // dP's area is free here (conv_filter_grad may have used it): rebuilt per chunk.
        wtp_build(w, g, C, CO, dp);
        conv_input_grad(dz, m, CO, dp, di, H, W, C, g, OH, OW);
        continue;
      }
      gemm_nn(m, kdim, CO, dz, CO, 1, wt, dp, 0);
      for (int t = 0; t < cs; t++)
        patches(di + (long)t * H * W * C, dp + (long)t * patch, H, W, C, g, OH, OW, 0);
    }
  }
  if (fg_only) wino_filter_grad_out(du, grads + woff, C, CO);
}
