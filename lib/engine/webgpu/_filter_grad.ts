/**
 * The conv filter gradient, in two shapes. For llvmpipe, where buffer loads, not
 * multiply-adds, are the cost (`filterGradRows`): each thread owns one kernel row `kh`,
 * every `kw`, and a block of input × output channels, and walks each output row keeping the
 * last `k` input columns in registers, so each step loads one input column and one gradient
 * pixel for `k · ci · co` multiply-adds; when that leaves too few threads to keep every core
 * busy (the first conv has one input channel), the batch is split across threads and a
 * second dispatch sums the partials. For GPUs see `_filter_grad_gpu.ts`.
 *
 * @module
 */
import type { Shape3 } from "../plan.ts";
import { convProducts, elements } from "./_cost.ts";
import { bind, type Cost, flatKernel, type Kernel, type KernelBinding } from "./_wgsl.ts";
import { LLVMPIPE_LOOP_LIMIT, nestPasses } from "./_loop_limit.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

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
 * Accumulators per thread of the llvmpipe filter gradient: each step loads `tci + tco`
 * values (~9 ns per storage load there) for `k · tci · tco` multiply-adds (~0.4 ns each,
 * spilled accumulators included), so wider tiles pay off past the register file. cnn-deep's
 * conv2 at batch 64, CPU ms: ~28 with 192 (8 × 8 channels), 22–25 with 384 or 768 (768
 * compiles twice as slowly and needs a split batch).
 */
const FILTER_ACCUMULATORS = 384;
/** Threads that keep two 8-lane llvmpipe cores busy with room for imbalance. */
const MIN_THREADS = 32;

/**
 * The filter and bias gradient of a conv as one or two kernels (the second sums a split
 * batch's partials, kept in the executor's `scratch` buffer).
 */
export function filterGradRows(spec: FilterGradSpec): Kernel[] {
  const { input: s, output: o, k, pad, batch } = spec;
  const tci = s.c % 8 === 0 ? 8 : s.c % 4 === 0 ? 4 : 1;
  // With one input channel (a first conv) a thread takes every kernel row, so each dy load
  // feeds k² taps instead of k (valid padding only, where every row is inside the input):
  // cnn-deep's conv0 at batch 64, 9.5 → 6.0 ms of CPU.
  const kr = tci === 1 && pad === 0 ? k : 1;
  const units = kr * tci;
  let tco = 1;
  for (let c = o.c; c > 1; c--) {
    if (o.c % c === 0 && k * units * c <= FILTER_ACCUMULATORS) {
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
  // Unit u: kernel row kh0 + ⌊u / tci⌋, input channel ci0 + u mod tci.
  const ins = range(units);
  const rowOf = (u: number) => Math.floor(u / tci);
  const outs = range(tco);
  const kws = range(k);
  const masked = pad > 0;
  // Four channels per load where they line up (a vec4 storage load costs ~19 ns on
  // llvmpipe against ~9 ns for a scalar one): cnn-deep's conv2 at batch 64, 23 → 18 ms.
  const vec = tci % 4 === 0;
  const vecDy = tco % 4 === 0 && o.c % 4 === 0;
  const pixel = (kw: number, u: number, iw: string) => {
    const column = `(xrow${rowOf(u)} + u32(clamp(${iw}, 0, ${s.w - 1}))) * ${s.c}u + ci0`;
    const inside = `${iw} >= 0 && ${iw} < ${s.w}`;
    if (!vec) {
      const value = `x[${column} + ${u % tci}u]`;
      return `w${kw}_${u} = ${masked ? `select(0.0, ${value}, ${inside})` : value};`;
    }
    if (u % 4 !== 0) return "";
    const value = `x4[(${column} + ${u % tci}u) / 4u]`;
    return `{ let q = ${masked ? `select(vec4<f32>(0.0), ${value}, ${inside})` : value}; ${
      range(4).map((e) => `w${kw}_${u + e} = q[${e}];`).join(" ")
    } }`;
  };
  const load = (kw: number, u: number, iw: string) => pixel(kw, u, iw);
  const grads = vecDy
    ? range(tco / 4).map((g) =>
      `        let q${g} = dy4[(y + ${4 * g}u) / 4u];\n${
        range(4).map((e) => `        let d${4 * g + e} = q${g}[${e}];`).join("\n")
      }`
    ).join("\n")
    : outs.map((c) => `        let d${c} = dy[y + ${c}u];`).join("\n");
  const at = (kw: number, u: number, c: number) =>
    target(
      spec,
      sp,
      `(((kh0 + ${rowOf(u)}u) * ${k}u + ${kw}u) * ${s.c}u + ci0 + ${
        u % tci
      }u) * ${o.c}u + co0 + ${c}u`,
    );
  const rows = kr === 1
    ? `      let ih = i32(oh + kh0) - ${pad};
      if (ih < 0 || ih >= ${s.h}) { continue; }
      let xrow0 = (b * ${s.h}u + u32(ih)) * ${s.w}u;`
    : range(kr).map((r) => `      let xrow${r} = (b * ${s.h}u + oh + ${r}u) * ${s.w}u;`).join("\n");
  const body = `${fused ? "" : biasThreads(spec, sp, base * sp.split)}
  let co0 = (i % ${coTiles}u) * ${tco}u;
  var t = i / ${coTiles}u;
  let ci0 = (t % ${ciTiles}u) * ${tci}u;
  t = t / ${ciTiles}u;
${fused ? outs.map((c) => `  var bias${c} = 0.0;`).join("\n") : ""}
  let kh0 = (t % ${khTiles}u) * ${kr}u;
  let sp = t / ${khTiles}u;
${
    kws.flatMap((kw) => ins.flatMap((a) => outs.map((c) => `  var a${kw}_${a}_${c} = 0.0;`))).join(
      "\n",
    )
  }
${kws.flatMap((kw) => ins.map((a) => `  var w${kw}_${a} = 0.0;`)).join("\n")}
  for (var b = sp * ${sp.per}u; b < min(${batch}u, sp * ${sp.per}u + ${sp.per}u); b++) {
    for (var oh = 0u; oh < ${o.h}u; oh++) {
${rows}
      let yrow = (b * ${o.h}u + oh) * ${o.w}u;
${
    kws.slice(0, -1).flatMap((kw) => ins.map((a) => `      ${load(kw, a, `${kw - pad}`)}`)).join(
      "\n",
    )
  }
      for (var ow = 0u; ow < ${o.w}u; ow++) {
        let iw = i32(ow) + ${k - 1 - pad};
${ins.map((a) => `        ${load(k - 1, a, "iw")}`).join("\n")}
        let y = (yrow + ow) * ${o.c}u + co0;
${grads}
${fused ? outs.map((c) => `        bias${c} += d${c};`).join("\n") : ""}
${
    kws.flatMap((kw) =>
      ins.flatMap((a) =>
        outs.map((c) => `        a${kw}_${a}_${c} = fma(w${kw}_${a}, d${c}, a${kw}_${a}_${c});`)
      )
    ).join("\n")
  }
${
    kws.slice(0, -1).flatMap((kw) => ins.map((a) => `        w${kw}_${a} = w${kw + 1}_${a};`)).join(
      "\n",
    )
  }
      }
    }
  }
${
    kws.flatMap((kw) =>
      ins.flatMap((a) => outs.map((c) => `  ${at(kw, a, c)} = a${kw}_${a}_${c};`))
    ).join("\n")
  }
${
    fused
      ? `  if (ci0 == 0u && kh0 == 0u) {\n${
        outs.map((c) => `    ${target(spec, sp, `${sp.size - o.c}u + co0 + ${c}u`)} = bias${c};`)
          .join("\n")
      }\n  }`
      : ""
  }`;
  const extra = [
    ...(vec ? [bind(spec.bindings[0]!.buffer, "x4", "vec4<f32>")] : []),
    ...(vecDy ? [bind(spec.bindings[1]!.buffer, "dy4", "vec4<f32>")] : []),
  ];
  return finish(spec, sp, base * sp.split, body, 8, passes(sp.per), extra, !fused);
}

/**
 * How a filter gradient splits the batch over `split` groups of threads (each covering
 * `per` images) so there are at least `minThreads` threads; with `split > 1` each group
 * writes partial sums to `scratch` and a second kernel adds them up.
 */
interface Split {
  split: number;
  per: number;
  /** Kernel and bias elements (addressed in `grads` by `gradAddress`). */
  size: number;
}

function splitFor(
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
function target(spec: FilterGradSpec, s: Split, index: string): string {
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
function biasThreads(spec: FilterGradSpec, s: Split, first: number): string {
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
function finish(
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
