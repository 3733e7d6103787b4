// What every op of the CPU engine's step program shares: the control block's words, the op
// codes (lib/engine/wasm/_layout.ts mirrors both: change them together) and the context an op
// runs in. Each layer kind's ops live in that kind's header (conv2d.h, pool.h, dense.h, …);
// step.c only dispatches.
#pragma once

typedef unsigned char u8;
typedef unsigned int u32;
#define F(i) ((float *)(long)(i))
#define I(i) ((int *)(long)(i))

// Control block words.
enum {
  C_GEN, C_BCNT, C_BGEN, C_QUIT, C_THREADS, C_N, C_ORDER_OFF, C_NOPS, C_PROG, C_PARAMS,
  C_NPARAMS, C_GRADS, C_SCRATCH, C_OPT, C_SLOT1, C_SLOT2, C_LR, C_B1, C_OB1, C_B2, C_OB2,
  C_EPS, C_C1, C_C2, C_LOSS, C_CORRECT, C_SUMS, C_SEEDS, C_UPDATE, C_CHUNKS, C_NEXT,
  C_NEXT_B, C_INFER, C_STATE, C_WORDS = 40
};
// Op codes. OP_SYNC is no op: it ends a phase (every chunk of the batch runs the phase's ops,
// then all threads meet at a barrier), where an op needs the whole batch's results.
enum { OP_INPUT = 1, OP_CONV, OP_CONV_BWD, OP_POOL, OP_POOL_BWD, OP_DROP, OP_DROP_BWD,
       OP_DENSE, OP_DENSE_BWD, OP_LOSS, OP_ACT, OP_ACT_BWD, OP_GPOOL, OP_GPOOL_BWD, OP_PROBS,
       OP_SYNC, OP_BN_STATS, OP_BN, OP_BN_GRAD, OP_BN_DX, OP_BN_INFER, OP_COUNT };
#define OP_WORDS 24
// Words of chunk-claim bits per phase: room for 256 chunks (chunksFor gives at most 3 per
// thread, 192 at 64 threads). CLAIM_WORDS in lib/engine/wasm/_layout.ts.
#define CLAIM_WORDS 8

// An op's call: samples [s0, s1) of the batch, which are batch chunk `chunk`, with that
// chunk's gradient array and the running thread's scratch. `first`: this is the thread's
// first non-empty chunk of the phase (per-thread filter transforms are made then and reused
// for its later chunks).
typedef struct {
  int *ctl;
  float *params, *grads, *scratch;
  int s0, s1, chunk, first;
} Step;

static inline float fcast(int bits) { return __builtin_bit_cast(float, bits); }
