// The dropout kind's ops: inverted dropout, each element kept or dropped by a hash of its
// index in the batch and the layer's seed for the step (lib/engine/check/_wasm_step.ts copies
// the hash, so the engine check's reference drops the same elements). The mask holds the
// keep-scale, 0 or 1 / (1 − rate), for the backward.
#pragma once
#include "step.h"

static inline u32 mix32(u32 x) {
  x ^= x >> 16; x *= 0x7feb352dU; x ^= x >> 15; x *= 0x846ca68bU; x ^= x >> 16;
  return x;
}

// op: [code, in, out, mask, n (per sample), rate, 1 / keep (float bits), seed slot]
static void drop_op(const Step *st, const int *op) {
  const float *in = F(op[1]);
  float *out = F(op[2]), *mask = F(op[3]);
  int n = op[4];
  float rate = fcast(op[5]), scale = fcast(op[6]);
  u32 seed = ((u32 *)I(st->ctl[C_SEEDS]))[op[7]];
  for (int s = st->s0; s < st->s1; s++)
    for (int j = 0; j < n; j++) {
      long e = (long)s * n + j;
      u32 h = mix32(seed ^ mix32((u32)e * 0x9e3779b9U + 0x632be5abU));
      float u = (float)(h >> 8) * (1.f / 16777216.f);
      mask[e] = u >= rate ? scale : 0.f;
      out[e] = in[e] * mask[e];
    }
}

// op: [code, dout, din, mask, n]
static void drop_bwd_op(const Step *st, const int *op) {
  const float *dout = F(op[1]), *mask = F(op[3]);
  float *din = F(op[2]);
  for (long e = (long)st->s0 * op[4]; e < (long)st->s1 * op[4]; e++) din[e] = dout[e] * mask[e];
}
