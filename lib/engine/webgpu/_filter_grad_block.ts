/**
 * The thread block of the llvmpipe filter gradient (`_filter_grad.ts`): kernel rows, input
 * and output channels per thread, and the split of the batch that keeps each thread within
 * llvmpipe's loop budget.
 *
 * @module
 */
import { nestPasses } from "./_loop_limit.ts";
import { type FilterGradSpec, type Split, splitFor } from "./_filter_grad_split.ts";

/**
 * Accumulators per thread of the llvmpipe filter gradient: each step loads `tci + tco`
 * values (~9 ns per storage load there) for `k · tci · tco` multiply-adds (~0.4 ns each,
 * spilled accumulators included), so wider tiles pay off past the register file. cnn-deep's
 * conv2 at batch 64, CPU ms: ~28 with 192 (8 × 8 channels), 22–25 with 384 or 768 (768
 * compiles twice as slowly and needs a split batch).
 */
const FILTER_ACCUMULATORS = 384;
/** Threads that keep two 8-lane llvmpipe cores busy with room for imbalance. */
const MIN_THREADS = 32;

/** A thread's block: `kr` kernel rows × `tci` input channels (the units) × `tco` outputs. */
export interface RowsBlock {
  tci: number;
  kr: number;
  tco: number;
  ciTiles: number;
  coTiles: number;
  khTiles: number;
  /** Threads per split group. */
  base: number;
  /** The bias gradient summed by the main threads (valid padding), not bias threads. */
  fused: boolean;
  sp: Split;
  /** Loop passes of a thread taking `per` images. */
  passes: (per: number) => number;
}

/** The block and the batch split of the llvmpipe filter gradient. */
export function rowsBlock(spec: FilterGradSpec): RowsBlock {
  const { input: s, output: o, k, pad } = spec;
  const tci = s.c % 8 === 0 ? 8 : s.c % 4 === 0 ? 4 : 1;
  // With one input channel (a first conv) a thread takes every kernel row, so each dy load
  // feeds k² taps instead of k (valid padding only, where every row is inside the input):
  // cnn-deep's conv0 at batch 64, 9.5 → 6.0 ms of CPU.
  const kr = tci === 1 && pad === 0 ? k : 1;
  let tco = 1;
  for (let c = o.c; c > 1; c--) {
    if (o.c % c === 0 && k * kr * tci * c <= FILTER_ACCUMULATORS) {
      tco = c;
      break;
    }
  }
  const ciTiles = s.c / tci;
  const coTiles = o.c / tco;
  const khTiles = k / kr;
  const base = khTiles * ciTiles * coTiles;
  // Without padding every thread sees each dy pixel of its images once, so it sums the bias
  // gradient alongside (those at kernel row 0 and input channel 0 write it) instead of
  // separate bias threads: cnn-deep at batch 64, CPU ms, conv0's 4.9 → 2.1 (1,024 bias
  // threads with its split batch), conv2's 17.5 → 16.7.
  const fused = pad === 0;
  // A thread walks its images' rows and columns; separate bias threads walk the same pixels
  // and may share its SIMD row, so their passes add (see `_loop_limit.ts`). The batch is
  // split so that both fit llvmpipe's budget: cnn-deep's conv2 at batch 1024 needs 3 parts.
  const passes = (per: number) =>
    nestPasses([per, o.h, o.w]) + (fused ? 0 : nestPasses([per * o.h * o.w]));
  const sp = splitFor(spec, base, MIN_THREADS, passes);
  return { tci, kr, tco, ciTiles, coTiles, khTiles, base, fused, sp, passes };
}
