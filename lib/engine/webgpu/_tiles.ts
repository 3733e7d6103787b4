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
import { flatKernel, type Kernel, type KernelBinding, laneKernel } from "./_wgsl.ts";

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

/** Lanes of llvmpipe's SIMD rows (8 × f32 in 256-bit registers). */
const LANES = 8;

/** The lane-mode block: whole rows, and channels per lane within the same budget. */
function laneBlock(d: Shape3, k: number): { cols: number; chans: number } {
  const cols = Math.min(d.w, 32);
  let chans = 1;
  for (let c = d.c / LANES; c > 1; c--) {
    if ((d.c / LANES) % c === 0 && c * cols * k <= CPU_FMAS && c * cols <= CPU_ACCUMULATORS) {
      chans = c;
      break;
    }
  }
  return { cols, chans };
}

/** A convolution kernel whose threads each compute a block of columns × channels. */
export function convTile(spec: ConvTile, tuning: Tuning): Kernel {
  const { srcShape: s, dstShape: d, k, pad } = spec;
  // On llvmpipe with channels in multiples of 8, the 8 lanes of a workgroup take 8 output
  // channels of one block of columns: every input load is then uniform (one load for all
  // lanes) and only the weight loads are per lane.
  const lanes = tuning === "cpu" && d.c % LANES === 0;
  const { cols: tw, chans: tc } = lanes ? laneBlock(d, k) : convBlock(d, k, tuning);
  const cTiles = d.c / tc / (lanes ? LANES : 1);
  const step = lanes ? LANES : 1;
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
        `        { let w = params[${spec.wBase("kh", `${kw}u`)} + ic * ${spec.inStride}u + (oc0 + ${
          c * step
        }u) * ${spec.outStride}u];`,
        ...outs.map((o) => `          a_${o}_${c} = fma(v${o + kw}, w, a_${o}_${c});`),
        "        }",
      );
    }
  }
  const body = `  let oc0 = ${
    lanes ? `(g % ${cTiles}u) * ${tc * LANES}u + lane` : `(i % ${cTiles}u) * ${tc}u`
  };
  var t = ${lanes ? "g" : "i"} / ${cTiles}u;
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
${
        chans.map((c) =>
          `    ${spec.store(`o${o} + ${c * step}u`, `oc0 + ${c * step}u`, `a_${o}_${c}`)}`
        )
          .join("\n")
      }
  }`
    ).join("\n")
  }`;
  const threads = spec.batch * d.h * wTiles * cTiles;
  if (lanes) return laneKernel(spec.label, spec.bindings, threads, body, LANES);
  return flatKernel(spec.label, spec.bindings, threads, body, "", workgroupFor(tuning));
}
