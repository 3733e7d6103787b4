/**
 * How a filter gradient (`_filter_grad.ts`) splits the batch over groups of threads within
 * llvmpipe's loop budget, where its results go (the gradient, or each group's partials in
 * `scratch`), its separate bias threads, its cost, and the second kernel that sums a split.
 *
 * @module
 */
import type { Shape3 } from "../plan.ts";
import { convProducts, elements } from "./_cost.ts";
import { bind, type Cost, flatKernel, type Kernel, type KernelBinding } from "./_wgsl.ts";
import { LLVMPIPE_LOOP_LIMIT, nestPasses } from "./_loop_limit.ts";

/** What the filter-gradient kernels need. */
export interface FilterGradSpec {
  label: string;
  /** x (the conv input), dy (the conv output's gradient) and grads (written), in that order. */
  bindings: KernelBinding[];
  batch: number;
  input: Shape3;
  output: Shape3;
  k: number;
  pad: number;
  kernelOffset: number;
  /** After the kernel, or a bias-free conv's zero bias past the parameters. */
  biasOffset: number;
}

/**
 * How a filter gradient splits the batch over `split` groups of threads (each covering
 * `per` images) so there are at least `minThreads` threads; with `split > 1` each group
 * writes partial sums to `scratch` and a second kernel adds them up.
 */
export interface Split {
  split: number;
  per: number;
  /** Kernel and bias elements (addressed in `grads` by `gradAddress`). */
  size: number;
}

export function splitFor(
  spec: FilterGradSpec,
  baseThreads: number,
  minThreads: number,
  passes: (per: number) => number,
): Split {
  // The passes grow linearly with the images a thread takes.
  const perImage = passes(1) - passes(0);
  const maxPer = Math.max(1, Math.floor((LLVMPIPE_LOOP_LIMIT - passes(0)) / perImage));
  const wanted = Math.max(Math.ceil(minThreads / baseThreads), Math.ceil(spec.batch / maxPer));
  const split = Math.min(spec.batch, Math.max(1, wanted));
  const size = spec.k * spec.k * spec.input.c * spec.output.c + spec.output.c;
  return { split, per: Math.ceil(spec.batch / split), size };
}

/** WGSL address of element `index` of the kernel + bias gradient, for split group `sp`. */
export function target(spec: FilterGradSpec, s: Split, index: string): string {
  return s.split === 1 ? gradAddress(spec, index) : `scratch[sp * ${s.size}u + ${index}]`;
}

/**
 * WGSL address in `grads` of element `e` of a conv's kernel + bias gradient (the kernel's
 * elements, then the bias'). The bias follows the kernel in the packed layout, except a
 * bias-free conv's zero bias, which lies past the parameters (see `TrainingPlan`).
 */
export function gradAddress(spec: FilterGradSpec, e: string): string {
  const taps = spec.k * spec.k * spec.input.c * spec.output.c;
  return kernelBiasAddress(spec.kernelOffset, spec.biasOffset, taps, e);
}

/** {@linkcode gradAddress} for a kernel of `taps` elements at `k0` and its bias at `b0`. */
export function kernelBiasAddress(k0: number, b0: number, taps: number, e: string): string {
  if (b0 === k0 + taps) return `grads[${k0}u + ${e}]`;
  return `grads[select(${k0}u + ${e}, ${b0}u + ${e} - ${taps}u, ${e} >= ${taps}u)]`;
}

/**
 * WGSL for the threads from `first` on: each sums one output channel of `dy` over its split
 * group's images into the bias gradient (or its partial), then returns.
 */
export function biasThreads(spec: FilterGradSpec, s: Split, first: number): string {
  const o = spec.output;
  const pixels = o.h * o.w;
  return `  if (i >= ${first}u) {
    let co = (i - ${first}u) % ${o.c}u;
    let sp = (i - ${first}u) / ${o.c}u;
    var sum = 0.0;
    let end = min(${spec.batch}u, sp * ${s.per}u + ${s.per}u) * ${pixels}u;
    for (var p = sp * ${s.per * pixels}u; p < end; p++) { sum += dy[p * ${o.c}u + co]; }
    ${target(spec, s, `${s.size - o.c}u + co`)} = sum;
    return;
  }`;
}

/**
 * The cost of a filter gradient's main kernel: every product and bias sum once; x and dy
 * read, the gradient (or each split group's partial) written; `serialLoop` its generator's.
 */
function filterCost(spec: FilterGradSpec, s: Split, serialLoop: number): Cost {
  const { batch, input, output, k, pad } = spec;
  return {
    flops: 2 * convProducts(batch, input, output, k, pad) + elements(batch, output),
    bytes: 4 * (elements(batch, input) + elements(batch, output) + s.split * s.size),
    serialLoop,
  };
}

/** The main kernel's bindings plus, for a split, the scratch buffer and the sum kernel. */
export function finish(
  spec: FilterGradSpec,
  s: Split,
  threads: number,
  body: string,
  workgroup: number,
  serialLoop: number,
  extra: KernelBinding[] = [],
  biasThreads = true,
): Kernel[] {
  const bindings = [
    ...spec.bindings,
    ...(s.split === 1 ? [] : [bind("scratch", "scratch", "f32", true)]),
    ...extra,
  ];
  const main = flatKernel(
    spec.label,
    bindings,
    threads + (biasThreads ? spec.output.c * s.split : 0),
    body,
    filterCost(spec, s, serialLoop),
    "",
    workgroup,
  );
  if (s.split === 1) return [main];
  const reduce = flatKernel(
    `${spec.label}_sum`,
    [bind("scratch", "scratch", "f32"), spec.bindings[2]!],
    s.size,
    `  var sum = 0.0;
  for (var p = 0u; p < ${s.split}u; p++) { sum += scratch[p * ${s.size}u + i]; }
  ${gradAddress(spec, "i")} = sum;`,
    {
      flops: s.split * s.size,
      bytes: 4 * (s.split + 1) * s.size,
      serialLoop: nestPasses([s.split]),
    },
  );
  return [{ ...main, scratch: s.split * s.size }, reduce];
}
