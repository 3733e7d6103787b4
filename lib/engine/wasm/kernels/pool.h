// The maxPool kind's 2×2 stride-2 max-pool, OP_POOL / OP_POOL_BWD: SIMD over four channels,
// its gradient fusing the conv's activation′. Samples [s0, s1) of the batch; NHWC, flat
// indices. The general pools (any window, strides and padding, max or average: OP_GPOOL)
// are in gpool.h.
#pragma once
#include "step.h"
#include "simd.h"
#include "activation.h"

// A 2×2 pooling window: the output element's index (returned) and its four inputs' (`off`),
// both as flat indices into the batch's NHWC buffers (channel 0).
static inline long pool_window(int s, int oh, int ow, int H, int W, int C, int OH, int OW,
                               long off[4]) {
  long i00 = (((long)s * H + 2 * oh) * W + 2 * ow) * C;
  off[0] = i00;
  off[1] = i00 + C;
  off[2] = i00 + (long)W * C;
  off[3] = i00 + (long)W * C + C;
  return (((long)s * OH + oh) * OW + ow) * C;
}

// OP_POOL: the 2×2 stride-2 max-pool. op: [code, in, out, index, H, W, C, OH, OW].
static void pool2_op(const Step *st, const int *op) {
  int s0 = st->s0, s1 = st->s1;
  const float *in = F(op[1]);
  float *out = F(op[2]);
  u32 *idx = (u32 *)I(op[3]);
  int H = op[4], W = op[5], C = op[6], OH = op[7], OW = op[8];
  for (int s = s0; s < s1; s++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        long off[4], o = pool_window(s, oh, ow, H, W, C, OH, OW, off);
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = LD(in + off[0] + c);
          v128_t bi = wasm_i32x4_add(wasm_i32x4_splat((int)off[0] + c),
                                     wasm_i32x4_make(0, 1, 2, 3));
          for (int q = 1; q < 4; q++) {
            v128_t v = LD(in + off[q] + c);
            // Strictly greater (first maximum wins), and a NaN replaces the running max.
            v128_t take = wasm_v128_or(wasm_f32x4_gt(v, best), wasm_f32x4_ne(v, v));
            best = SELECT(v, best, take);
            v128_t vi = wasm_i32x4_add(wasm_i32x4_splat((int)off[q] + c),
                                       wasm_i32x4_make(0, 1, 2, 3));
            bi = SELECT(vi, bi, take);
          }
          ST(out + o + c, best);
          ST(idx + o + c, bi);
        }
        for (; c < C; c++) {
          long bi = off[0] + c;
          for (int q = 1; q < 4; q++)
            if (in[off[q] + c] > in[bi] || in[off[q] + c] != in[off[q] + c]) bi = off[q] + c;
          out[o + c] = in[bi];
          idx[o + c] = (u32)bi;
        }
      }
}

// OP_POOL_BWD. op: [code, dout, din, index, H, W, C, OH, OW, pooled, act].
static void pool2_bwd_op(const Step *st, const int *op) {
  int s0 = st->s0, s1 = st->s1;
  // Each window's four input gradients are written at once (the max gets dout, the rest
  // 0), so there is no separate zeroing pass; op[10], when set, is the input conv's
  // activation, its derivative folded in: at the max, the conv output is the pooled value.
  const float *dout = F(op[1]), *pooled = op[10] ? F(op[9]) : 0;
  int act = op[10];
  float *din = F(op[2]);
  const u32 *idx = (const u32 *)I(op[3]);
  int H = op[4], W = op[5], C = op[6], OH = op[7], OW = op[8];
  v128_t lanes = wasm_i32x4_make(0, 1, 2, 3);
  for (int s = s0; s < s1; s++) {
    float *di = din + (long)s * H * W * C;
    for (long j = (long)2 * OH * W * C; j < (long)H * W * C; j++) di[j] = 0.f;  // odd H
    for (int r = 0; r < 2 * OH && W > 2 * OW; r++)  // odd W
      for (int j = 2 * OW * C; j < W * C; j++) di[(long)r * W * C + j] = 0.f;
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        long off[4], o = pool_window(s, oh, ow, H, W, C, OH, OW, off);
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t v = LD(dout + o + c), bi = LD(idx + o + c);
          if (pooled) v = act_grad4(v, LD(pooled + o + c), act);
          for (int q = 0; q < 4; q++) {
            v128_t at = wasm_i32x4_add(wasm_i32x4_splat((int)off[q] + c), lanes);
            ST(din + off[q] + c, wasm_v128_and(v, wasm_i32x4_eq(bi, at)));
          }
        }
        for (; c < C; c++) {
          float v = pooled ? act_grad1(dout[o + c], pooled[o + c], act) : dout[o + c];
          for (int q = 0; q < 4; q++) din[off[q] + c] = idx[o + c] == off[q] + c ? v : 0.f;
        }
      }
  }
}
