// The CPU training step of lib/engine/wasm: a fixed program of fused ops (lib/engine/wasm/
// _program.ts writes it into memory) run by the threads over chunks of the batch (phase A:
// forward, loss, backward into the chunk's own gradient array), then, after one barrier,
// over slices of the packed parameters (phase B: sum the chunks' gradients in order and
// apply the optimizer). Two parallel regions per step; no allocation, no libc.
// Build: tools/build_wasm.ts (clang-19, wasm32, shared memory, SIMD [+ relaxed SIMD]).
#include "gemm.h"
#include "pool.h"
#include "small_ops.h"
#include "winograd.h"

typedef unsigned char u8;
#define F(i) ((float *)(long)(i))
#define I(i) ((int *)(long)(i))

// Control block words (lib/engine/wasm/_layout.ts mirrors these indices).
enum {
  C_GEN, C_BCNT, C_BGEN, C_QUIT, C_THREADS, C_N, C_ORDER_OFF, C_NOPS, C_PROG, C_PARAMS,
  C_NPARAMS, C_GRADS, C_SCRATCH, C_OPT, C_SLOT1, C_SLOT2, C_LR, C_B1, C_OB1, C_B2, C_OB2,
  C_EPS, C_C1, C_C2, C_LOSS, C_CORRECT, C_SUMS, C_SEEDS, C_UPDATE, C_CHUNKS, C_NEXT_A,
  C_NEXT_B, C_WORDS = 32
};
enum { OP_INPUT = 1, OP_CONV, OP_CONV_BWD, OP_POOL, OP_POOL_BWD, OP_DROP, OP_DROP_BWD,
       OP_DENSE, OP_DENSE_BWD, OP_LOSS, OP_ACT, OP_ACT_BWD, OP_GPOOL, OP_GPOOL_BWD };
#define OP_WORDS 24
// im2col patches built at once: up to ~288 KB (2 samples of cnn-deep conv2), so patches,
// their gradient and the 73 KB filter stay in a 1–2 MB L2 while the GEMMs reuse them.
#define CHUNK_FLOATS 72000

static inline float fcast(int bits) { return __builtin_bit_cast(float, bits); }

// ---- threads
static void wait_change(int *addr, int old, int may_wait) {
  for (int spin = 0; __atomic_load_n(addr, __ATOMIC_SEQ_CST) == old; spin++) {
    if (may_wait && spin > 20000) __builtin_wasm_memory_atomic_wait32(addr, old, 1000000);
  }
}

static void barrier(int *ctl, int may_wait) {
  int gen = __atomic_load_n(&ctl[C_BGEN], __ATOMIC_SEQ_CST);
  if (__atomic_fetch_add(&ctl[C_BCNT], 1, __ATOMIC_SEQ_CST) == ctl[C_THREADS] - 1) {
    __atomic_store_n(&ctl[C_BCNT], 0, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&ctl[C_BGEN], 1, __ATOMIC_SEQ_CST);
    __builtin_wasm_memory_atomic_notify(&ctl[C_BGEN], 1 << 30);
  } else {
    wait_change(&ctl[C_BGEN], gen, may_wait);
  }
}

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

// ---- the ops; each runs samples [s0, s1) of the batch.
// `first`: this is the thread's first batch chunk of the step (per-thread filter transforms
// are made then and reused for its later chunks).
static void run_op(int *ctl, const int *op, int s0, int s1, float *grads, float *scratch,
                   int first) {
  float *params = F(ctl[C_PARAMS]);
  int rows = s1 - s0;
  // A chunk's gradient array is written, not accumulated into, by the first contribution to
  // each parameter (no zeroing pass); an empty chunk writes zeros.
  if (rows <= 0 && (op[0] == OP_CONV_BWD || op[0] == OP_DENSE_BWD)) {
    int conv = op[0] == OP_CONV_BWD;
    int w0 = op[5], b0 = op[6];
    int wn = conv ? op[10] * op[18] * op[9] * op[11] : op[7] * op[8], bn = conv ? op[11] : op[8];
    for (int i = 0; i < wn; i++) grads[w0 + i] = 0.f;
    for (int i = 0; i < bn; i++) grads[b0 + i] = 0.f;
    return;
  }
  if (rows <= 0 && op[0] != OP_LOSS) return;
  switch (op[0]) {
    case OP_INPUT: {
      const u8 *img = (const u8 *)(long)op[1], *lab = (const u8 *)(long)op[2];
      const int *order = I(op[3]) + ctl[C_ORDER_OFF];
      const float *lut = F(op[4]);
      float *x = F(op[5]);
      int *y = I(op[6]), px = op[7];
      for (int s = s0; s < s1; s++) {
        const u8 *src = img + (long)order[s] * px;
        for (int j = 0; j < px; j++) x[(long)s * px + j] = lut[src[j]];
        y[s] = lab[order[s]];
      }
      break;
    }
    case OP_CONV:
    case OP_CONV_BWD: {
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
      int wino = op[bwd ? 15 : 13];
      float *uf = scratch + wino, *ud = uf + 16 * C * CO, *wv = ud + 16 * C * CO;
      float *wm = wv + 16L * ((H + 1) / 2) * ((W + 1) / 2) * (C > CO ? C : CO);
      float *du = wm + 16L * ((H + 1) / 2) * ((W + 1) / 2) * (C > CO ? C : CO);
      if (wino && first && (!bwd || op[4])) wino_filter(w, bwd ? ud : uf, C, CO, bwd);
      if (wino && !bwd) {
        for (int s = s0; s < s1; s++)
          wino_conv(in + (long)s * H * W * C, H, W, C, out + (long)s * m1 * CO, OH, OW, CO,
                    -pad, uf, wv, wm, params + boff, op[14]);
        break;
      }
      if (wino) {
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
        break;
      }
      if (bwd && op[4]) {
        // Wᵀ [CO × kdim], so dP = dZ·Wᵀ runs on the broadcast kernel (dot products along the
        // short CO axis ran at 2/3 of its speed); 18 K floats at most, per thread per step.
        for (int r = 0; r < kdim; r++)
          for (int c = 0; c < CO; c++) wt[(long)c * kdim + r] = w[(long)r * CO + c];
      }
      for (int s = s0; s < s1; s += chunk) {
        int cs = s1 - s < chunk ? s1 - s : chunk, m = cs * m1;
        int sa, sk;
        conv_patches(in + (long)s * H * W * C, p, cs, H, W, C, g, OH, OW, &sa, &sk);
        float *o = out + (long)s * m1 * CO;
        if (!bwd) {
          gemm_nn(m, CO, kdim, p, sa, sk, w, o, 0);
          bias_act(o, params + boff, m, CO, op[14]);
          continue;
        }
        float *dz = dout + (long)s * m1 * CO;
        if (s == s0)
          for (int c = 0; c < CO; c++) grads[boff + c] = 0.f;
        // op[16]: the activation′ (op[17]) is folded into the following pool's gradient.
        act_grad_bias(dz, o, grads + boff, m, CO, op[16] ? 0 : op[17]);
        conv_filter_grad(kdim, CO, m, p, sa, sk, dz, grads + woff, s > s0, dp);
        if (op[4]) {
          gemm_nn(m, kdim, CO, dz, CO, 1, wt, dp, 0);
          float *di = din + (long)s * H * W * C;
          for (long j = 0; j < (long)cs * H * W * C; j++) di[j] = 0.f;
          for (int t = 0; t < cs; t++)
            patches(di + (long)t * H * W * C, dp + (long)t * patch, H, W, C, g, OH, OW, 0);
        }
      }
      break;
    }
    case OP_POOL: {
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
                best = wasm_v128_bitselect(v, best, take);
                v128_t vi = wasm_i32x4_add(wasm_i32x4_splat((int)off[q] + c),
                                           wasm_i32x4_make(0, 1, 2, 3));
                bi = wasm_v128_bitselect(vi, bi, take);
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
      break;
    }
    case OP_POOL_BWD: {
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
      break;
    }
    case OP_DROP: {
      const float *in = F(op[1]);
      float *out = F(op[2]), *mask = F(op[3]);
      int n = op[4];
      float rate = fcast(op[5]), scale = fcast(op[6]);
      u32 seed = ((u32 *)I(ctl[C_SEEDS]))[op[7]];
      for (int s = s0; s < s1; s++)
        for (int j = 0; j < n; j++) {
          long e = (long)s * n + j;
          u32 h = mix32(seed ^ mix32((u32)e * 0x9e3779b9U + 0x632be5abU));
          float u = (float)(h >> 8) * (1.f / 16777216.f);
          mask[e] = u >= rate ? scale : 0.f;
          out[e] = in[e] * mask[e];
        }
      break;
    }
    case OP_DROP_BWD: {
      const float *dout = F(op[1]), *mask = F(op[3]);
      float *din = F(op[2]);
      for (long e = (long)s0 * op[4]; e < (long)s1 * op[4]; e++) din[e] = dout[e] * mask[e];
      break;
    }
    case OP_DENSE: {
      int in_n = op[5], out_n = op[6];
      float *o = F(op[2]) + (long)s0 * out_n;
      gemm_nn(rows, out_n, in_n, F(op[1]) + (long)s0 * in_n, in_n, 1, params + op[3], o, 0);
      bias_act(o, params + op[4], rows, out_n, op[7]);
      break;
    }
    case OP_DENSE_BWD: {
      int in_n = op[7], out_n = op[8];
      const float *in = F(op[1]) + (long)s0 * in_n;
      float *dz = F(op[3]) + (long)s0 * out_n;
      for (int c = 0; c < out_n; c++) grads[op[6] + c] = 0.f;
      act_grad_bias(dz, F(op[2]) + (long)s0 * out_n, grads + op[6], rows, out_n, op[9]);
      gemm_nn(in_n, out_n, rows, in, 1, in_n, dz, grads + op[5], 0);
      if (op[4]) gemm_nt(rows, in_n, out_n, dz, params + op[5], F(op[4]) + (long)s0 * in_n, 0);
      break;
    }
    case OP_ACT: {
      long n = op[3];
      act_map(F(op[1]) + s0 * n, F(op[2]) + s0 * n, rows * n, op[4]);
      break;
    }
    case OP_GPOOL:
    case OP_GPOOL_BWD: {
      // op: [code, in | dout, out | din, index (max) or 0, H, W, C, OH, OW, PH, PW, SH, SW,
      // PT, PL, average]
      const pool_geom g = {op[4], op[5], op[6], op[7], op[8], op[9], op[10], op[11], op[12],
                           op[13], op[14]};
      if (op[0] == OP_GPOOL)
        pool_forward(F(op[1]), F(op[2]), (unsigned *)I(op[3]), &g, op[15], s0, s1);
      else
        pool_backward(F(op[1]), F(op[2]), (const unsigned *)I(op[3]), &g, op[15], s0, s1);
      break;
    }
    case OP_ACT_BWD: {
      long n = op[4];
      act_grad_map(F(op[1]) + s0 * n, F(op[3]) + s0 * n, F(op[2]) + s0 * n, rows * n, op[5]);
      break;
    }
    case OP_LOSS: {
      const float *z = F(op[1]);
      const int *y = I(op[2]);
      float *dz = F(op[3]), *loss = F(ctl[C_LOSS]), *correct = F(ctl[C_CORRECT]);
      int nc = op[4];
      float inv_n = 1.f / (float)ctl[C_N], eps = 1e-7f, hi = 1.f - 1e-7f;
      for (int s = s0; s < s1; s++) {
        const float *zr = z + (long)s * nc;
        float *dr = dz + (long)s * nc, p[64];
        double mx = zr[0], sum = 0;
        for (int j = 1; j < nc; j++) mx = zr[j] > mx || zr[j] != zr[j] ? zr[j] : mx;
        for (int j = 0; j < nc; j++) sum += exp_d(zr[j] - mx);
        double lse = mx + log_d(sum);
        int arg = 0, l = y[s];
        for (int j = 0; j < nc; j++) {
          p[j] = (float)exp_d(zr[j] - lse);
          if (p[j] > p[arg]) arg = j;
        }
        float pl = p[l], clipped = pl < eps ? eps : pl > hi ? hi : pl;
        loss[s] = pl != pl ? pl : (float)-log_d(clipped);
        correct[s] = arg == l ? 1.f : 0.f;
        // The clip's gradient is zero outside [eps, 1 - eps] (tfjs' maximum / minimum grads).
        int pass = pl >= eps && pl <= hi;
        for (int j = 0; j < nc; j++)
          dr[j] = pass || pl != pl ? (p[j] - (j == l ? 1.f : 0.f)) * inv_n : 0.f;
      }
      break;
    }
  }
}

// ---- phase B: reduce the threads' gradients over [p0, p1) and update.
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

// Parameters per phase-B work item (a multiple of 4).
#define UPDATE_CHUNK 8192

// Both phases hand out work items through an atomic counter, so a thread the OS has
// descheduled (a shared machine) does fewer of them instead of holding everyone at the
// barrier. Results do not depend on who ran what: each batch chunk has its own gradient
// array, summed in chunk order.
static void run_step(int *ctl, int tid, int may_wait) {
  int chunks = ctl[C_CHUNKS], n = ctl[C_N], np = ctl[C_NPARAMS];
  float **grads = (float **)I(ctl[C_GRADS]);
  float *scratch = ((float **)I(ctl[C_SCRATCH]))[tid];
  const int *prog = I(ctl[C_PROG]);
  // `first` stays set until the thread has run a non-empty chunk (an empty one skips the ops
  // that would make the filter transforms).
  for (int first = 1;;) {
    int c = __atomic_fetch_add(&ctl[C_NEXT_A], 1, __ATOMIC_SEQ_CST);
    if (c >= chunks) break;
    int s0 = (int)((long)n * c / chunks), s1 = (int)((long)n * (c + 1) / chunks);
    for (int k = 0; k < ctl[C_NOPS]; k++)
      run_op(ctl, prog + k * OP_WORDS, s0, s1, grads[c], scratch, first);
    if (s1 > s0) first = 0;
  }
  barrier(ctl, may_wait);
  for (;;) {
    int c = __atomic_fetch_add(&ctl[C_NEXT_B], 1, __ATOMIC_SEQ_CST);
    if ((long)c * UPDATE_CHUNK >= np) break;
    int p1 = (c + 1) * UPDATE_CHUNK;
    update_range(ctl, c * UPDATE_CHUNK, p1 < np ? p1 : np);
    if (c == 0) {
      double *sums = (double *)(long)ctl[C_SUMS];
      for (int s = 0; s < n; s++) {
        sums[0] += F(ctl[C_LOSS])[s];
        sums[1] += F(ctl[C_CORRECT])[s];
      }
    }
  }
  barrier(ctl, may_wait);
}

// Main thread (thread 0): wake the workers, run its share, return when the step is done.
__attribute__((export_name("step"))) void step(int *ctl, int may_wait) {
  __atomic_store_n(&ctl[C_NEXT_A], 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&ctl[C_NEXT_B], 0, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&ctl[C_GEN], 1, __ATOMIC_SEQ_CST);
  __builtin_wasm_memory_atomic_notify(&ctl[C_GEN], 1 << 30);
  run_step(ctl, 0, may_wait);
}

// Worker thread `tid` (≥ 1): runs steps until the control block's quit word is set.
// Starts before the first step (generation 0), so no wake-up can be missed.
__attribute__((export_name("worker"))) void worker(int *ctl, int tid) {
  int gen = 0;
  for (;;) {
    wait_change(&ctl[C_GEN], gen, 1);
    gen = __atomic_load_n(&ctl[C_GEN], __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ctl[C_QUIT], __ATOMIC_SEQ_CST)) return;
    run_step(ctl, tid, 1);
  }
}
