/**
 * How the GPU tuning sizes its dispatches for a data-centre GPU, from the plan alone (no
 * GPU needed): an H200 has 132 SMs, each holding up to 2,048 resident threads, so a
 * dispatch of real work needs at least two 64-thread workgroups per SM (264), and every
 * reduction longer than a few thousand terms is split over many threads (split-K) and
 * finished by a second, tree-reducing dispatch (`_split_reduce.ts`).
 *
 * @module
 */

/** Invocations per workgroup of the GPU kernels. */
export const GPU_WORKGROUP = 64;
/** Workgroups a busy dispatch launches at least: two per SM of an H200. */
export const MIN_GROUPS = 264;
/** Threads of {@linkcode MIN_GROUPS} workgroups. */
export const MIN_THREADS: number = MIN_GROUPS * GPU_WORKGROUP;
/** FLOPs above which a dispatch is held to {@linkcode MIN_GROUPS}. */
export const BUSY_FLOPS = 1e6;
/** Iterations one invocation may loop (every loop's, see `Cost.serialLoop`). */
export const MAX_LOOP = 4096;
/**
 * Partial sums a split reduction may keep (f32 elements of the shared scratch buffer, 16 MiB):
 * bounds the scratch at any batch size.
 */
export const SCRATCH_FLOATS = 4 * 1024 * 1024;

/**
 * How many parts to split a reduction of `terms` terms into: enough for `threads` threads
 * each handling one part of one of `units` independent outputs (at least `minParts`, so
 * no part loops more than {@linkcode MAX_LOOP} times at `inner` loop iterations a term), at
 * most one part per term, and partials of `size` elements within {@linkcode SCRATCH_FLOATS}.
 * Returns the parts and the terms per part.
 */
export function splitParts(
  terms: number,
  units: number,
  threads: number,
  size: number,
  inner = 1,
  minParts = 1,
): { parts: number; per: number } {
  const loopParts = Math.ceil(terms / Math.max(1, Math.floor(MAX_LOOP / inner)));
  const wanted = Math.max(minParts, Math.ceil(threads / units));
  const room = Math.max(1, Math.floor(SCRATCH_FLOATS / size));
  const parts = Math.min(terms, Math.max(loopParts, Math.min(wanted, room)));
  const per = Math.ceil(terms / parts);
  return { parts: Math.ceil(terms / per), per };
}

/** Register blocks of a GPU conv thread (output columns × channels), biggest first. */
const CONV_BLOCKS: readonly [number, number][] = [
  [4, 4],
  [4, 2],
  [2, 4],
  [2, 2],
  [4, 1],
  [1, 4],
  [2, 1],
  [1, 2],
  [1, 1],
];

/**
 * The biggest register block of a GPU conv that still launches {@linkcode MIN_THREADS}
 * threads when the conv has `flops` of work: cnn-deep's last conv at batch 64 (3 × 3 × 64
 * outputs a sample) took 48 workgroups with 4 × 4 blocks, and takes 288 with 1 × 2.
 */
export function gpuConvBlock(
  batch: number,
  d: { h: number; w: number; c: number },
  flops: number,
): { cols: number; chans: number } {
  const want = flops > BUSY_FLOPS ? MIN_THREADS : 0;
  for (const [c, chans] of CONV_BLOCKS) {
    const cols = Math.min(c, d.w);
    if (d.c % chans === 0 && batch * d.h * Math.ceil(d.w / cols) * (d.c / chans) >= want) {
      return { cols, chans };
    }
  }
  return { cols: 1, chans: 1 };
}
