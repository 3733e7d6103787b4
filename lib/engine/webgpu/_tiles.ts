/**
 * Register-tiled WGSL generators for the heavy kernels: each thread computes a small tile
 * of outputs (4 × 4 for matrices, 4 columns × 4 channels for convolutions), so every value
 * it loads feeds four multiply-adds instead of one. llvmpipe runs a workgroup's invocations
 * in SIMD lanes, so loads, not arithmetic, bound these kernels there; the same shape suits
 * GPUs. Accumulators are scalars (`a_i_j`), unrolled in the generated source.
 *
 * @module
 */
import type { Shape3 } from "../plan.ts";
import { flatKernel, type Kernel, type KernelBinding } from "./_wgsl.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Unrolled multiply-adds per inner iteration on llvmpipe (compile time grows with it). */
export const CPU_FMAS = 600;
/** Accumulators per thread on llvmpipe (private memory is cheap there). */
export const CPU_ACCUMULATORS = 128;

/** `cpu`: a software adapter such as llvmpipe; `gpu`: a real GPU. */
export type Tuning = "cpu" | "gpu";

/**
 * Workgroup size of the tiled kernels: 8 on llvmpipe (one 8-lane SIMD row per workgroup,
 * so even a few hundred threads spread over every core), 64 on GPUs.
 */
export function workgroupFor(tuning: Tuning): number {
  return tuning === "cpu" ? 8 : 64;
}

/** `cpu` for a software (fallback) adapter such as llvmpipe, else `gpu`. */
export function tuningOf(device: GPUDevice): Tuning {
  const info = device.adapterInfo as GPUAdapterInfo & { isFallbackAdapter?: boolean } | undefined;
  const software = info?.isFallbackAdapter === true ||
    /llvmpipe|lavapipe|swiftshader/i.test(info?.description ?? "");
  return software ? "cpu" : "gpu";
}

/** A matrix operand: element (row, r) of A or (r, col) of B at `base(row|col) + r·stride`. */
export interface Operand {
  array: string;
  base: (index: string) => string;
  stride: number;
}

/** C[m, n] = Σ_r A(m, r)·B(r, n) for m < M, n < N, with `store(m, n, acc)` per element. */
export interface MatmulTile {
  label: string;
  bindings: KernelBinding[];
  m: number;
  n: number;
  r: number;
  a: Operand;
  b: Operand;
  /** WGSL statement storing `acc` (an f32 expression) at row `m`, column `n` (u32 exprs). */
  store: (m: string, n: string, acc: string) => string;
  /** Extra threads after the tiles, handed `extra` = their index (e.g. bias sums). */
  extra?: { threads: number; body: string };
}

/** A 4 × 4-tiled matrix product kernel. */
export function matmulTile(spec: MatmulTile): Kernel {
  const tm = Math.min(4, spec.m);
  const tn = Math.min(4, spec.n);
  const colTiles = Math.ceil(spec.n / tn);
  const tiles = Math.ceil(spec.m / tm) * colTiles;
  const rows = range(tm);
  const cols = range(tn);
  const body = `  ${
    spec.extra
      ? `if (i >= ${tiles}u) {\n    let extra = i - ${tiles}u;\n${spec.extra.body}\n    return;\n  }`
      : ""
  }
  let m0 = (i / ${colTiles}u) * ${tm}u;
  let n0 = (i % ${colTiles}u) * ${tn}u;
${rows.map((i) => `  let am${i} = ${spec.a.base(`min(m0 + ${i}u, ${spec.m - 1}u)`)};`).join("\n")}
${cols.map((j) => `  let bn${j} = ${spec.b.base(`min(n0 + ${j}u, ${spec.n - 1}u)`)};`).join("\n")}
${rows.flatMap((i) => cols.map((j) => `  var a_${i}_${j} = 0.0;`)).join("\n")}
  for (var r = 0u; r < ${spec.r}u; r++) {
${rows.map((i) => `    let x${i} = ${spec.a.array}[am${i} + r * ${spec.a.stride}u];`).join("\n")}
${cols.map((j) => `    let y${j} = ${spec.b.array}[bn${j} + r * ${spec.b.stride}u];`).join("\n")}
${
    rows.flatMap((i) => cols.map((j) => `    a_${i}_${j} = fma(x${i}, y${j}, a_${i}_${j});`)).join(
      "\n",
    )
  }
  }
${
    rows.flatMap((i) =>
      cols.map((j) =>
        `  if (m0 + ${i}u < ${spec.m}u && n0 + ${j}u < ${spec.n}u) { ${
          spec.store(`(m0 + ${i}u)`, `(n0 + ${j}u)`, `a_${i}_${j}`)
        } }`
      )
    ).join("\n")
  }`;
  return flatKernel(spec.label, spec.bindings, tiles + (spec.extra?.threads ?? 0), body);
}

/**
 * dst[b, oh, ow, oc] = Σ_{kh, kw, ic} src[b, oh + kh − pad, ow + kw − pad, ic] · W, where W
 * is `params[wBase(kh, kw) + ic·inStride + oc·outStride]`: a stride-1 convolution with zero
 * padding, used for the forward conv and (with the kernel flipped) the input gradient.
 */
export interface ConvTile {
  label: string;
  bindings: KernelBinding[];
  batch: number;
  src: string;
  srcShape: Shape3;
  dstShape: Shape3;
  k: number;
  pad: number;
  wBase: (kh: string, kw: string) => string;
  inStride: number;
  outStride: number;
  /** WGSL statement storing `acc` at flat dst index `o` for channel `oc`. */
  store: (o: string, oc: string, acc: string) => string;
}

/**
 * A thread's register block for a conv: `cols` output columns × `chans` output channels.
 * `cpu` (llvmpipe, where every buffer load costs ~5 ns per lane and private memory is
 * cheap): whole rows and as many channels as keep {@linkcode CPU_FMAS} unrolled multiply-adds
 * per input channel and {@linkcode CPU_ACCUMULATORS} accumulators; `gpu`: 4 × 4.
 */
export function convBlock(d: Shape3, k: number, tuning: Tuning): { cols: number; chans: number } {
  if (tuning === "gpu") return { cols: Math.min(4, d.w), chans: d.c % 4 === 0 ? 4 : 1 };
  const cols = Math.min(d.w, 32);
  let chans = 1;
  for (let c = d.c; c > 1; c--) {
    if (d.c % c === 0 && c * cols * k <= CPU_FMAS && c * cols <= CPU_ACCUMULATORS) {
      chans = c;
      break;
    }
  }
  return { cols, chans };
}

/** A convolution kernel whose threads each compute a block of columns × channels. */
export function convTile(spec: ConvTile, tuning: Tuning): Kernel {
  const { srcShape: s, dstShape: d, k, pad } = spec;
  const { cols: tw, chans: tc } = convBlock(d, k, tuning);
  const cTiles = d.c / tc;
  const wTiles = Math.ceil(d.w / tw);
  const outs = range(tw);
  const taps = range(tw + k - 1);
  const chans = range(tc);
  // Out-of-range columns only need zeroing when padding puts a tap outside the input;
  // otherwise they only occur past the last valid column, whose results are dropped.
  const masked = pad > 0;
  const load = (j: number) =>
    masked ? `select(0.0, ${spec.src}[c${j} + ic], ok${j})` : `${spec.src}[c${j} + ic]`;
  const fmas: string[] = [];
  for (let kw = 0; kw < k; kw++) {
    for (const c of chans) {
      fmas.push(
        `        { let w = params[${
          spec.wBase("kh", `${kw}u`)
        } + ic * ${spec.inStride}u + (oc0 + ${c}u) * ${spec.outStride}u];`,
        ...outs.map((o) => `          a_${o}_${c} = fma(v${o + kw}, w, a_${o}_${c});`),
        "        }",
      );
    }
  }
  const body = `  let oc0 = (i % ${cTiles}u) * ${tc}u;
  var t = i / ${cTiles}u;
  let ow0 = (t % ${wTiles}u) * ${tw}u;
  t = t / ${wTiles}u;
  let oh = t % ${d.h}u;
  let b = t / ${d.h}u;
${
    taps.map((j) =>
      `  let iw${j} = i32(ow0 + ${j}u) - ${pad};
  let cc${j} = u32(clamp(iw${j}, 0, ${s.w - 1})) * ${s.c}u;${
        masked
          ? `
  let ok${j} = iw${j} >= 0 && iw${j} < ${s.w};`
          : ""
      }`
    ).join("\n")
  }
${outs.flatMap((o) => chans.map((c) => `  var a_${o}_${c} = 0.0;`)).join("\n")}
  for (var kh = 0u; kh < ${k}u; kh++) {
    let ih = i32(oh + kh) - ${pad};
    if (ih < 0 || ih >= ${s.h}) { continue; }
    let row = (b * ${s.h}u + u32(ih)) * ${s.w * s.c}u;
${taps.map((j) => `    let c${j} = row + cc${j};`).join("\n")}
    for (var ic = 0u; ic < ${s.c}u; ic++) {
${taps.map((j) => `      let v${j} = ${load(j)};`).join("\n")}
${fmas.join("\n")}
    }
  }
${
    outs.map((o) =>
      `  if (ow0 + ${o}u < ${d.w}u) {
    let o${o} = ((b * ${d.h}u + oh) * ${d.w}u + ow0 + ${o}u) * ${d.c}u + oc0;
${chans.map((c) => `    ${spec.store(`o${o} + ${c}u`, `oc0 + ${c}u`, `a_${o}_${c}`)}`).join("\n")}
  }`
    ).join("\n")
  }`;
  const threads = spec.batch * d.h * wTiles * cTiles;
  return flatKernel(spec.label, spec.bindings, threads, body, "", workgroupFor(tuning));
}

/**
 * The filter gradient dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh + kh − pad, ow + kw − pad, ci]
 * · dy[b, oh, ow, co], each thread a tile of input × output channels, then one thread per
 * output channel for the bias gradient Σ dy. Writes into `grads` at the given offsets.
 */
export function filterGradTile(spec: {
  label: string;
  bindings: KernelBinding[];
  batch: number;
  input: Shape3;
  output: Shape3;
  k: number;
  pad: number;
  kernelOffset: number;
  biasOffset: number;
}): Kernel {
  const { input: s, output: o, k, pad, batch } = spec;
  const tci = s.c % 4 === 0 ? 4 : 1;
  const tco = o.c % 8 === 0 && tci === 1 ? 8 : o.c % 4 === 0 ? 4 : 1;
  const ciTiles = s.c / tci;
  const coTiles = o.c / tco;
  const weightThreads = k * k * ciTiles * coTiles;
  const ins = range(tci);
  const outs = range(tco);
  const body = `  if (i >= ${weightThreads}u) {
    let co = i - ${weightThreads}u;
    var sum = 0.0;
    for (var p = 0u; p < ${batch * o.h * o.w}u; p++) { sum += dy[p * ${o.c}u + co]; }
    grads[${spec.biasOffset}u + co] = sum;
    return;
  }
  let co0 = (i % ${coTiles}u) * ${tco}u;
  var t = i / ${coTiles}u;
  let ci0 = (t % ${ciTiles}u) * ${tci}u;
  t = t / ${ciTiles}u;
  let kw = t % ${k}u;
  let kh = t / ${k}u;
  let oh0 = u32(max(0, ${pad} - i32(kh)));
  let oh1 = u32(min(${o.h}, ${s.h + pad} - i32(kh)));
  let ow0 = u32(max(0, ${pad} - i32(kw)));
  let ow1 = u32(min(${o.w}, ${s.w + pad} - i32(kw)));
${ins.flatMap((a) => outs.map((c) => `  var a_${a}_${c} = 0.0;`)).join("\n")}
  for (var b = 0u; b < ${batch}u; b++) {
    for (var oh = oh0; oh < oh1; oh++) {
      var xi = ((b * ${s.h}u + oh + kh - ${pad}u) * ${s.w}u + ow0 + kw - ${pad}u) * ${s.c}u + ci0;
      var yi = ((b * ${o.h}u + oh) * ${o.w}u + ow0) * ${o.c}u + co0;
      for (var ow = ow0; ow < ow1; ow++) {
${ins.map((a) => `        let x${a} = x[xi + ${a}u];`).join("\n")}
${outs.map((c) => `        let y${c} = dy[yi + ${c}u];`).join("\n")}
${
    ins.flatMap((a) => outs.map((c) => `        a_${a}_${c} = fma(x${a}, y${c}, a_${a}_${c});`))
      .join("\n")
  }
        xi += ${s.c}u;
        yi += ${o.c}u;
      }
    }
  }
  let wi = ${spec.kernelOffset}u + ((kh * ${k}u + kw) * ${s.c}u + ci0) * ${o.c}u + co0;
${ins.flatMap((a) => outs.map((c) => `  grads[wi + ${a * o.c + c}u] = a_${a}_${c};`)).join("\n")}`;
  return flatKernel(spec.label, spec.bindings, weightThreads + o.c, body);
}
