// Phase B of the training step: the batch chunks' gradients summed in chunk order over a
// slice [p0, p1) of the packed parameters, then tfjs' update arithmetic of the optimizer
// (none when the step only computes the gradient).
#pragma once
#include "step.h"
#include "simd.h"

static void update_range(int *ctl, int p0, int p1) {
  int T = ctl[C_CHUNKS], opt = ctl[C_UPDATE] ? ctl[C_OPT] : 0;
  float **gr = (float **)I(ctl[C_GRADS]);
  float *g = gr[0], *w = F(ctl[C_PARAMS]), *s1 = F(ctl[C_SLOT1]), *s2 = F(ctl[C_SLOT2]);
  v128_t lr = wasm_f32x4_splat(fcast(ctl[C_LR])), eps = wasm_f32x4_splat(fcast(ctl[C_EPS]));
  v128_t b1 = wasm_f32x4_splat(fcast(ctl[C_B1])), ob1 = wasm_f32x4_splat(fcast(ctl[C_OB1]));
  v128_t b2 = wasm_f32x4_splat(fcast(ctl[C_B2])), ob2 = wasm_f32x4_splat(fcast(ctl[C_OB2]));
  v128_t c1 = wasm_f32x4_splat(fcast(ctl[C_C1])), c2 = wasm_f32x4_splat(fcast(ctl[C_C2]));
  for (int i = p0; i < p1; i += 4) {  // p0, p1 and the array lengths are multiples of 4
    v128_t gv = LD(g + i);
    for (int t = 1; t < T; t++) gv = wasm_f32x4_add(gv, LD(gr[t] + i));
    ST(g + i, gv);
    v128_t g2 = wasm_f32x4_mul(gv, gv);
    if (opt == 1) {  // RMSprop (tfjs, momentum 0): ms = ρ·ms + (1−ρ)·g²; w −= lr·g/√(ms+ε)
      v128_t ms = wasm_f32x4_add(wasm_f32x4_mul(LD(s1 + i), b1), wasm_f32x4_mul(g2, ob1));
      v128_t mom = wasm_f32x4_div(wasm_f32x4_mul(gv, lr), wasm_f32x4_sqrt(wasm_f32x4_add(ms, eps)));
      ST(s1 + i, ms);
      ST(s2 + i, mom);
      ST(w + i, wasm_f32x4_sub(LD(w + i), mom));
    } else if (opt == 2) {  // Adam (tfjs): bias-corrected m / (√v̂ + ε), times −lr
      v128_t m = wasm_f32x4_add(wasm_f32x4_mul(LD(s1 + i), b1), wasm_f32x4_mul(gv, ob1));
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(LD(s2 + i), b2), wasm_f32x4_mul(g2, ob2));
      ST(s1 + i, m);
      ST(s2 + i, v);
      v128_t step = wasm_f32x4_div(wasm_f32x4_div(m, c1),
                                   wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(v, c2)), eps));
      ST(w + i, wasm_f32x4_add(wasm_f32x4_mul(step, wasm_f32x4_neg(lr)), LD(w + i)));
    } else if (opt == 3) {  // SGD (tfjs): w = (−lr)·g + w
      ST(w + i, wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_neg(lr), gv), LD(w + i)));
    }
  }
}
