/**
 * Per-channel sums over every row of an NHWC tensor (batch · h · w rows of `c` channels), as
 * batch normalisation needs them: up to 1,024 · 28 · 28 = 802,816 terms a channel. The rows
 * are split into parts (`splitParts`: enough threads to fill a GPU, no part looping more than
 * `MAX_LOOP` times, the partials within the scratch buffer); one thread per (part, channel)
 * adds its rows' terms into `scratch`, adjacent threads on adjacent channels, and a second
 * dispatch (`_split_reduce.ts`) adds the parts and stores each channel's sums.
 *
 * @module
 */
import { MIN_THREADS, splitParts } from "./_gpu_sizing.ts";
import { splitReduce } from "./_split_reduce.ts";
import { bind, flatKernel, type Kernel, type KernelBinding, referencedBindings } from "./_wgsl.ts";

/** Rows a part adds at least (MAX_LOOP allows far more). */
const MIN_ROWS = 64;

/** What a channel reduction adds up, and where its sums go. */
export interface ChannelSums {
  label: string;
  /** Rows (batch · h · w) and channels. */
  rows: number;
  channels: number;
  /** Sums per channel: 1 (`s0`) or 2 (`s0`, `s1`). */
  sums: 1 | 2;
  /** WGSL before the loop, with `ch` (u32) the channel (e.g. its mean's load). */
  setup: string;
  /** WGSL in the loop adding row `r`'s terms of element `k = r · channels + ch` to the sums. */
  term: string;
  /** FLOPs of one row's `term` for one channel. */
  termFlops: number;
  /** Bindings `setup` and `term` may use (only those referenced are bound). */
  bindings: KernelBinding[];
  /** WGSL storing sum `sum` of element `e` (channel `e % channels`, sum `e / channels`). */
  store: (e: string, sum: string) => string;
  /** Bindings `store` may use. */
  storeBindings: KernelBinding[];
}

/** The partial-sum kernel and the reduction of its parts (see the module doc). */
export function channelSums(spec: ChannelSums): Kernel[] {
  const { rows, channels: c, sums } = spec;
  const size = sums * c;
  const split = splitParts(rows, c, MIN_THREADS, size);
  // No part shorter than MIN_ROWS rows: a small batch's reduction would cost more than its sums.
  const per = Math.max(split.per, Math.min(rows, MIN_ROWS));
  const parts = Math.ceil(rows / per);
  const code = `${spec.setup}
  for (var r = lo; r < hi; r++) {
    let k = r * ${c}u + ch;
    ${spec.term}
  }`;
  const bindings = referencedBindings(spec.bindings, code);
  const partials = flatKernel(
    `${spec.label}_parts`,
    [...bindings, bind("scratch", "scratch", "f32", true)],
    parts * c,
    `  let ch = i % ${c}u;
  let p = i / ${c}u;
  let lo = p * ${per}u;
  let hi = min(lo + ${per}u, ${rows}u);
  var s0 = 0.0;
  var s1 = 0.0;
${code}
  scratch[p * ${size}u + ch] = s0;${
      sums === 2 ? `\n  scratch[p * ${size}u + ${c}u + ch] = s1;` : ""
    }`,
    {
      flops: spec.termFlops * rows * c,
      // Each term's reads (one or two elements), the partials written.
      bytes: 4 * (bindings.length * rows * c + parts * size),
      serialLoop: per,
    },
  );
  const reduce = splitReduce({
    label: `${spec.label}_sum`,
    parts,
    size,
    store: spec.store,
    storeFlops: 2 * size,
    bindings: spec.storeBindings,
  });
  return [{ ...partials, scratch: parts * size }, reduce];
}
