/**
 * The conv filter gradient for GPUs: dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh + kh − pad,
 * ow + kw − pad, ci] · dy[b, oh, ow, co], each thread a block of input × output channels at
 * one kernel tap over a run of output rows. The sum over the batch's rows (batch × outH) is
 * split into as many parts as give {@linkcode FILTER_THREADS} threads, no thread looping
 * more than `MAX_LOOP` times; the parts' partial gradients go to `scratch` and a tree
 * reduction (`_split_reduce.ts`) adds them up. Extra threads, one per output channel and
 * part, sum dy for the bias gradient. Before the split over rows (a split over whole
 * images to 32,768 threads), cnn-deep's second conv at batch 1024 looped 4,788 times per
 * thread and its first conv at batch 64 launched 68 workgroups, summed by 5.
 *
 * @module
 */
import { convProducts, elements } from "./_cost.ts";
import { type FilterGradSpec, gradAddress } from "./_filter_grad.ts";
import { GPU_WORKGROUP, MIN_THREADS, splitParts } from "./_gpu_sizing.ts";
import { splitReduce } from "./_split_reduce.ts";
import { bind, flatKernel, type Kernel } from "./_wgsl.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Threads of a GPU filter gradient: eight 64-thread workgroups per H200 SM, so the
 * partial gradients they write (≤ 16 floats a thread) stay a small part of the traffic.
 */
export const FILTER_THREADS: number = 4 * MIN_THREADS;

/** Channel blocks, split and the WGSL helpers shared by a filter gradient's code. */
interface Layout {
  tci: number;
  tco: number;
  /** Threads of one part that compute kernel taps (the bias threads come after all parts). */
  base: number;
  /** Kernel and bias elements (addressed in `grads` by `gradAddress`). */
  size: number;
  parts: number;
  /** Output rows (image, row) per part. */
  per: number;
  /** WGSL address of gradient element `index` (or part `sp`'s partial of it). */
  target: (index: string) => string;
  /** A loop over part `sp`'s rows (`b`, `oh`, `yrow`) around `body`. */
  overRows: (body: string) => string;
}

function layout(spec: FilterGradSpec): Layout {
  const { input: s, output: o, k, batch } = spec;
  const tci = s.c % 4 === 0 ? 4 : 1;
  const tco = o.c % 8 === 0 && tci === 1 ? 8 : o.c % 4 === 0 ? 4 : 1;
  const base = k * k * (s.c / tci) * (o.c / tco);
  const size = k * k * s.c * o.c + o.c;
  const rows = batch * o.h;
  const { parts, per } = splitParts(rows, base, FILTER_THREADS, size, 1 + o.w);
  return {
    tci,
    tco,
    base,
    size,
    parts,
    per,
    target: (index) => parts > 1 ? `scratch[sp * ${size}u + ${index}]` : gradAddress(spec, index),
    // The last part's rows past the end are skipped.
    overRows: (body) =>
      `  for (var q = 0u; q < ${per}u; q++) {
    let row = sp * ${per}u + q;
    ${per * parts === rows ? "" : `if (row < ${rows}u) `}{
    let b = row / ${o.h}u;
    let oh = row % ${o.h}u;
    let yrow = (b * ${o.h}u + oh) * ${o.w}u;
${body}
    }
  }`,
  };
}

/** WGSL of the bias threads: each sums one output channel of dy over its part's rows. */
function biasCode(spec: FilterGradSpec, l: Layout): string {
  const o = spec.output;
  const first = l.base * l.parts;
  return `  if (i >= ${first}u) {
    let co = (i - ${first}u) % ${o.c}u;
    let sp = (i - ${first}u) / ${o.c}u;
    var sum = 0.0;
${
    l.overRows(
      `    for (var ow = 0u; ow < ${o.w}u; ow++) { sum += dy[(yrow + ow) * ${o.c}u + co]; }`,
    )
  }
    ${l.target(`${l.size - o.c}u + co`)} = sum;
    return;
  }`;
}

/** WGSL of a tap thread: a `tci` × `tco` channel block at tap (kh, kw) over its part. */
function tapCode(spec: FilterGradSpec, l: Layout): string {
  const { input: s, output: o, k, pad } = spec;
  const ins = range(l.tci);
  const outs = range(l.tco);
  const pairs = ins.flatMap((a) => outs.map((c) => [a, c]));
  // With padding, taps outside the input are skipped (rows per row, columns per column).
  const inside = (v: string, n: number) => pad > 0 ? `if (${v} >= 0 && ${v} < ${n}) ` : "";
  const step = [
    ...ins.map((a) => `      let x${a} = x[xi + ${a}u];`),
    ...outs.map((c) => `      let y${c} = dy[yi + ${c}u];`),
    ...pairs.map(([a, c]) => `      a_${a}_${c} = fma(x${a}, y${c}, a_${a}_${c});`),
  ].join("\n");
  return `  let co0 = (i % ${o.c / l.tco}u) * ${l.tco}u;
  var t = i / ${o.c / l.tco}u;
  let ci0 = (t % ${s.c / l.tci}u) * ${l.tci}u;
  t = t / ${s.c / l.tci}u;
  let kw = t % ${k}u;
  t = t / ${k}u;
  let kh = t % ${k}u;
  let sp = t / ${k}u;
${pairs.map(([a, c]) => `  var a_${a}_${c} = 0.0;`).join("\n")}
${
    l.overRows(`    let ih = i32(oh + kh) - ${pad};
    ${inside("ih", s.h)}{
    let xrow = (b * ${s.h}u + u32(ih)) * ${s.w}u;
    for (var ow = 0u; ow < ${o.w}u; ow++) {
      let iw = i32(ow + kw) - ${pad};
      ${inside("iw", s.w)}{
      let xi = (xrow + u32(iw)) * ${s.c}u + ci0;
      let yi = (yrow + ow) * ${o.c}u + co0;
${step}
      }
    }
    }`)
  }
  let wi = ((kh * ${k}u + kw) * ${s.c}u + ci0) * ${o.c}u + co0;
${pairs.map(([a, c]) => `  ${l.target(`wi + ${a! * o.c + c!}u`)} = a_${a}_${c};`).join("\n")}`;
}

/** The filter and bias gradient: one kernel, or a partial-gradient kernel and its sum. */
export function filterGradTile(spec: FilterGradSpec): Kernel[] {
  const { input: s, output: o, k, pad, batch } = spec;
  const l = layout(spec);
  const split = l.parts > 1;
  const main = flatKernel(
    spec.label,
    [...spec.bindings, ...(split ? [bind("scratch", "scratch", "f32", true)] : [])],
    (l.base + o.c) * l.parts,
    `${biasCode(spec, l)}\n${tapCode(spec, l)}`,
    {
      flops: 2 * convProducts(batch, s, o, k, pad) + elements(batch, o),
      bytes: 4 * (elements(batch, s) + elements(batch, o) + l.parts * l.size),
      serialLoop: l.per * (1 + o.w),
    },
    "",
    GPU_WORKGROUP,
  );
  if (!split) return [main];
  const reduce = splitReduce({
    label: `${spec.label}_sum`,
    parts: l.parts,
    size: l.size,
    store: (e, sum) => `${gradAddress(spec, e)} = ${sum};`,
    storeFlops: 0,
    bindings: [spec.bindings[2]!],
  });
  return [{ ...main, scratch: l.parts * l.size }, reduce];
}
