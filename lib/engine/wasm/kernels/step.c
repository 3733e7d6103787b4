// The CPU training step of lib/engine/wasm: a fixed program of fused ops (lib/engine/wasm/
// _program.ts writes it into memory, one module per layer kind in kinds/; the ops of each
// kind are in its header here) run by the threads over chunks of the batch (phase A:
// forward, loss, backward into the chunk's own gradient array, in as many phases as the ops
// need whole-batch results, with a barrier after each), then over slices of the packed
// parameters (phase B: sum the chunks' gradients in order and apply the optimizer). The
// inference program is phase A alone. No allocation, no libc.
// Build: tools/build_wasm.ts (clang-19, wasm32, shared memory, SIMD [+ relaxed SIMD]).
#include "step.h"
#include "activation.h"
#include "batch_norm.h"
#include "conv2d.h"
#include "dense.h"
#include "dropout.h"
#include "gpool.h"
#include "io.h"
#include "optimizer.h"
#include "pool.h"

// ---- threads
// A waiter spins ~0.2–0.5 ms before it sleeps: a futex wake-up costs more than a phase of a
// small model. With 20,000 spins, the BatchNormalization example (7 phases a step, batch 32,
// 2 threads) had a median step of 1.22 ms against 0.75 ms with 200,000 (p10 0.79 / 0.74;
// 2026-12-05, 200 steps each, load < 1).
static void wait_change(int *addr, int old, int may_wait) {
  for (int spin = 0; __atomic_load_n(addr, __ATOMIC_SEQ_CST) == old; spin++) {
    if (may_wait && spin > 200000) __builtin_wasm_memory_atomic_wait32(addr, old, 1000000);
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

// ---- the ops: each op code's function, and the one an empty chunk runs (0: none; ops that
// write a chunk's gradient array write zeros then, as the array is written, not added to).
typedef void (*op_fn)(const Step *, const int *);
static const struct { op_fn run, empty; } OPS[OP_COUNT] = {
  [OP_INPUT] = {input_op, 0},
  [OP_CONV] = {conv_op, 0},
  [OP_CONV_BWD] = {conv_op, conv_empty},
  [OP_POOL] = {pool2_op, 0},
  [OP_POOL_BWD] = {pool2_bwd_op, 0},
  [OP_GPOOL] = {gpool_op, 0},
  [OP_GPOOL_BWD] = {gpool_op, 0},
  [OP_DROP] = {drop_op, 0},
  [OP_DROP_BWD] = {drop_bwd_op, 0},
  [OP_DENSE] = {dense_op, 0},
  [OP_DENSE_BWD] = {dense_bwd_op, dense_empty},
  [OP_ACT] = {act_op, 0},
  [OP_ACT_BWD] = {act_bwd_op, 0},
  [OP_LOSS] = {loss_op, 0},
  [OP_PROBS] = {probs_op, 0},
  [OP_BN_STATS] = {bn_stats_op, bn_stats_op},
  [OP_BN] = {bn_op, bn_op},
  [OP_BN_GRAD] = {bn_grad_op, bn_grad_op},
  [OP_BN_DX] = {bn_dx_op, 0},
  [OP_BN_INFER] = {bn_infer_op, 0},
};

static void run_op(const Step *st, const int *op) {
  op_fn f = st->s1 > st->s0 ? OPS[op[0]].run : OPS[op[0]].empty;
  if (f) f(st, op);
}

// ---- phase A: each phase's ops (up to an OP_SYNC or the end) over every batch chunk, then a
// barrier. A thread claims its own chunks first (tid, tid + threads, …), then any left: the
// chunk it ran in the last phase is the one whose outputs are in its core's cache, while a
// descheduled thread's chunks still go to the others. Phase p's claims are bits of
// claims[p·CLAIM_WORDS …]. The BatchNormalization example (7 phases) on 2 threads, p10 / p50
// of 200 steps, alternated three times (2026-12-05): 0.498–0.500 / 0.502–0.513 ms against
// 0.502–0.513 / 0.518–0.549 for one shared counter a phase (any thread, any chunk) and
// 0.494–0.497 / 0.499–0.505 for fixed chunks (no stealing).
// A plain load first: a failed read-modify-write still takes the cache line from the core
// that holds it.
static int claim(unsigned *words, int c) {
  unsigned bit = 1u << (c & 31), *w = &words[c >> 5];
  if (__atomic_load_n(w, __ATOMIC_RELAXED) & bit) return 0;
  return !(__atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit);
}

static void run_program(int *ctl, int tid, int may_wait) {
  int chunks = ctl[C_CHUNKS], n = ctl[C_N], nops = ctl[C_NOPS], threads = ctl[C_THREADS];
  float **grads = (float **)I(ctl[C_GRADS]);
  const int *prog = I(ctl[C_PROG]);
  Step st = {ctl, F(ctl[C_PARAMS]), 0, ((float **)I(ctl[C_SCRATCH]))[tid], 0, 0, 0, 1};
  for (int k0 = 0, phase = 0; k0 <= nops; phase++) {
    int k1 = k0;
    while (k1 < nops && prog[k1 * OP_WORDS] != OP_SYNC) k1++;
    unsigned *claims = (unsigned *)I(ctl[C_NEXT]) + phase * CLAIM_WORDS;
    // `first` stays set until the thread has run a non-empty chunk (an empty one skips the
    // ops that would make the filter transforms).
    st.first = 1;
    for (int steal = 0; steal < 2; steal++)
      for (int c = steal ? 0 : tid; c < chunks; c += steal ? 1 : threads) {
        if (!claim(claims, c)) continue;
        st.s0 = (int)((long)n * c / chunks), st.s1 = (int)((long)n * (c + 1) / chunks);
        st.chunk = c, st.grads = grads[c];
        for (int k = k0; k < k1; k++) run_op(&st, prog + k * OP_WORDS);
        if (st.s1 > st.s0) st.first = 0;
      }
    barrier(ctl, may_wait);
    k0 = k1 + 1;
  }
}

// Parameters per phase-B work item (a multiple of 4).
#define UPDATE_CHUNK 8192

// Both phases hand out work items through atomics (phase A's claims, phase B's counter), so a
// thread the OS has descheduled (a shared machine) does fewer of them instead of holding
// everyone at the barrier. Results do not depend on who ran what: each batch chunk has its own gradient
// array, summed in chunk order.
// Every control word a thread needs is read before its first barrier: once all threads have
// met at the last one, the main thread returns and JS may change them for the next call.
static void run_step(int *ctl, int tid, int may_wait) {
  int n = ctl[C_N], np = ctl[C_NPARAMS], infer = ctl[C_INFER];
  run_program(ctl, tid, may_wait);
  if (infer) return;
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
  for (int k = 0; k < (ctl[C_NOPS] + 1) * CLAIM_WORDS; k++)
    __atomic_store_n(&I(ctl[C_NEXT])[k], 0, __ATOMIC_SEQ_CST);
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
