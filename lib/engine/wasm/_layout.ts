/**
 * Word indices of the control block and op codes of the CPU engine's program; they mirror
 * the enums of `kernels/step.h` (change both together).
 *
 * @module
 */

/** Control block words (int32 unless noted). */
export const C = {
  GEN: 0,
  BCNT: 1,
  BGEN: 2,
  QUIT: 3,
  THREADS: 4,
  N: 5,
  ORDER_OFF: 6,
  NOPS: 7,
  PROG: 8,
  PARAMS: 9,
  NPARAMS: 10,
  GRADS: 11,
  SCRATCH: 12,
  OPT: 13,
  SLOT1: 14,
  SLOT2: 15,
  /** float32 bits from here to C2. */
  LR: 16,
  B1: 17,
  OB1: 18,
  B2: 19,
  OB2: 20,
  EPS: 21,
  C1: 22,
  C2: 23,
  LOSS: 24,
  CORRECT: 25,
  SUMS: 26,
  SEEDS: 27,
  UPDATE: 28,
  CHUNKS: 29,
  /** Address of phase A's chunk claims, {@linkcode CLAIM_WORDS} words of bits per phase. */
  NEXT: 30,
  NEXT_B: 31,
  /** 1: the inference program runs (phase A alone). */
  INFER: 32,
  /** Address of the non-trainable state (batch-norm moving statistics). */
  STATE: 33,
  WORDS: 40,
} as const;

/** Op codes of the step program. */
export const OP = {
  INPUT: 1,
  CONV: 2,
  CONV_BWD: 3,
  POOL: 4,
  POOL_BWD: 5,
  DROP: 6,
  DROP_BWD: 7,
  DENSE: 8,
  DENSE_BWD: 9,
  LOSS: 10,
  ACT: 11,
  ACT_BWD: 12,
  /** Pooling of any window, strides and padding, max or average (kernels/gpool.h). */
  GPOOL: 13,
  GPOOL_BWD: 14,
  /** The softmax probabilities of the logits (the inference program's last op). */
  PROBS: 15,
  /** Ends a phase: every chunk runs the ops before it before any runs those after. */
  SYNC: 16,
  /** batchNorm (kernels/batch_norm.h): a chunk's Σx, Σx²; normalise; Σdy·x̂, Σdy; dx; inference. */
  BN_STATS: 17,
  BN: 18,
  BN_GRAD: 19,
  BN_DX: 20,
  BN_INFER: 21,
} as const;

/** Activation codes of the op words (`ACT_*` in kernels/activation.h). */
export const ACTIVATION_CODE = {
  linear: 0,
  relu: 1,
  tanh: 2,
  sigmoid: 3,
  elu: 4,
  softmax: 0, // the logits are stored as they are; the loss op applies the softmax
} as const;

/** int32 words per op record. */
export const OP_WORDS = 24;
/** Words of chunk-claim bits per phase (kernels/step.h): up to 256 chunks, 3 per thread at 64. */
export const CLAIM_WORDS = 8;
/** Optimizer codes of the control block's OPT word. */
export const OPTIMIZER_CODE = { rmsprop: 1, adam: 2, sgd: 3 } as const;
/** Fewest samples a batch chunk gets from {@linkcode chunksFor} (short of one per thread). */
export const MIN_CHUNK_SAMPLES = 16;

/**
 * Batch chunks per step for a thread count and batch: work items the threads take in turn,
 * each with its own gradient array. Three per thread keeps a descheduled thread from stalling
 * the step; more would add a full dense-gradient write per chunk (2.4 MB each for cnn-wide).
 * But no fewer than {@linkcode MIN_CHUNK_SAMPLES} samples a chunk (down to one chunk per
 * thread): each chunk costs every op's fixed work and a gradient array to write and add up.
 * On 2 threads, 16 against 8 (p10 / p50 of 200 steps, three alternations, 2026-12-05, load
 * ~1): the BatchNormalization example at batch 32 (2 chunks against 4) 0.508–0.514 /
 * 0.518–0.529 ms against 0.544–0.550 / 0.553–0.568; LeNet-5 (batch 32) 1.29 / 1.31–1.33
 * against 1.30–1.31 / 1.33–1.36; cnn-deep (batch 64: 4 chunks against 6) 13.5–14.0 /
 * 13.9–15.6 against 13.7–14.1 / 14.7–15.4. One thread runs one chunk.
 */
export function chunksFor(threads: number, batchSize: number): number {
  if (threads === 1) return 1;
  return Math.min(3 * threads, Math.max(threads, Math.floor(batchSize / MIN_CHUNK_SAMPLES)));
}

/** Stack bytes per worker thread (the main thread uses the module's own 64 KiB stack). */
export const STACK_BYTES = 65536;

/** The bits of a float32, as the control block's and the program's int32 words hold floats. */
export const f32bits = (x: number): number => new Int32Array(new Float32Array([x]).buffer)[0]!;
