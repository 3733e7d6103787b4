/**
 * Register-tiled WGSL generators for the conv kernels: each thread computes a tile of
 * outputs (4 columns × 4 channels on GPUs; on llvmpipe whole rows, several channels and up
 * to 5 rows), so every value it loads feeds many multiply-adds. llvmpipe (Mesa 22.3) runs a
 * workgroup's invocations as 8 SIMD lanes but loops over the lanes for every storage-buffer
 * load (~9 ns, uniform address or not) while a uniform-buffer load is one gather (~3 ns) and
 * a multiply-add ~0.4 ns: loads bound these kernels there. Accumulators are scalars
 * (`a_i_j`), unrolled in the generated source.
 *
 * @module
 */
import { isSoftwareAdapter } from "../../backend/webgpu/_tuning.ts";
import type { Shape3 } from "../plan.ts";
import { convProducts, elements } from "./_cost.ts";
import { gpuConvBlock } from "./_gpu_sizing.ts";
import {
  type Cost,
  flatKernel,
  type Kernel,
  type KernelBinding,
  laneKernel,
  uniformWindow,
} from "./_wgsl.ts";

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
  return isSoftwareAdapter(device.adapterInfo) ? "cpu" : "gpu";
}

/**
 * dst[b, oh, ow, oc] = Σ_{kh, kw, ic} src[b, oh + kh − pad, ow + kw − pad, ic] · W, where W
 * is `params[kernelOffset + (th·k + tw)·src.c·dst.c + ic·inStride + oc·outStride]` with
 * (th, tw) = (kh, kw), or (k−1−kh, k−1−kw) when `flip`: a stride-1 convolution with zero
 * padding, used for the forward conv and (flipped) the input gradient.
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
  /** Element offset of the [k, k, ·, ·] kernel in `params`. */
  kernelOffset: number;
  flip: boolean;
  inStride: number;
  outStride: number;
  /** WGSL statement storing `acc` at flat dst index `o` for channel `oc`. */
  store: (o: string, oc: string, acc: string) => string;
  /** FLOPs and f32 loads (beyond the accumulator) of `store`, per output element. */
  storeCost: { flops: number; reads: number };
}

/** The cost of a conv tile whose threads loop `serialLoop` times (see `Cost`). */
function convCost(spec: ConvTile, serialLoop: number): Cost {
  const { batch, srcShape: s, dstShape: d, k } = spec;
  const outs = elements(batch, d);
  return {
    flops: 2 * convProducts(batch, s, d, k, spec.pad) + spec.storeCost.flops * outs,
    bytes: 4 * (elements(batch, s) + k * k * s.c * d.c + outs * (1 + spec.storeCost.reads)),
    serialLoop,
  };
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

/**
 * The weight reads of a conv: `load(kh, kw, rest)` is the WGSL value of the weight at tap
 * (kh, kw) plus element `rest` of its [in, out] slab. On llvmpipe (lane mode) each kernel
 * row `kh` is its own uniform window (one per unrolled `kh`, 64 KiB each at most), which
 * took cnn-deep's second conv from 28.9 to 18.1 ms of CPU; else (or when a row is too big)
 * storage loads from `params` with `kh` a loop variable.
 */
function weightReads(spec: ConvTile, uniform: boolean) {
  const { k, flip, kernelOffset } = spec;
  const slab = spec.srcShape.c * spec.dstShape.c;
  const rows = range(k).map((kh) => {
    const th = flip ? k - 1 - kh : kh;
    return uniform
      ? uniformWindow("params", `w${kh}`, kernelOffset + th * k * slab, k * slab)
      : null;
  });
  const windows = rows.every((r) => r !== null) ? rows : null;
  const tapCol = (kw: number) => (flip ? k - 1 - kw : kw) * slab;
  return {
    unrolled: windows !== null,
    bindings: windows?.map((w) => w!.binding) ?? [],
    load: (kh: number | null, kw: number, rest: string) =>
      windows && kh !== null
        ? windows[kh]!.at(`${tapCol(kw)}u + ${rest}`)
        : `params[${kernelOffset}u + ${flip ? `(${k - 1}u - kh)` : "kh"} * ${k * slab}u + ${
          tapCol(kw)
        }u + ${rest}]`,
  };
}

/**
 * Output rows per thread on llvmpipe (with per-row uniform weights), up to MAX_ROWS while a
 * row's block has at most ROW_ACCUMULATORS accumulators and the whole block at most
 * BLOCK_ACCUMULATORS (and BLOCK_FMAS).
 * cnn-deep at batch 64, CPU ms (1 → 3 rows): conv2 18.9 → 13.4, its input gradient
 * 25.0 → 21.4 (→ 19.3 with 5 rows), conv4 5.1 → 2.8; conv0 (104 accumulators a row) got
 * slower (4.5 → 6.3 with 2 rows), so it keeps one row. conv4's input gradient (3 input rows
 * under 2 of padding) got slower too until edge blocks skipped their padding rows; since,
 * its 5 rows in one block take it from 4.9 to 2.7 ms. Narrow rows (at most NARROW_ROW
 * accumulators) get the NARROW limits: conv2's input gradient (52 a row) 14.7 → 13.4 ms with
 * 7 rows, while conv2 (88 a row) with 4 rows went 12.6 → 13.9.
 */
const MAX_ROWS = 5;
const ROW_ACCUMULATORS = 96;
const BLOCK_ACCUMULATORS = 300;
/** Unrolled multiply-adds per input channel of a multi-row block (compile time: ~1 s). */
const BLOCK_FMAS = 2_400;
const NARROW_ROW = 64;
const NARROW = { rows: 7, accumulators: 364, fmas: 3_300 };

/** A convolution kernel whose threads each compute a block of columns × channels. */
export function convTile(spec: ConvTile, tuning: Tuning): Kernel {
  const { srcShape: s, dstShape: d, k, pad } = spec;
  // On llvmpipe with channels in multiples of 8, the 8 lanes of a workgroup take 8 output
  // channels of one block: the input loads are shared by the lanes and the weights, per
  // lane, come from uniform windows (see `weightReads`).
  const lanes = tuning === "cpu" && d.c % LANES === 0;
  const { cols: tw, chans: tc } = lanes
    ? laneBlock(d, k)
    : tuning === "gpu"
    ? gpuConvBlock(spec.batch, d, 2 * convProducts(spec.batch, s, d, k, pad))
    : convBlock(d, k, tuning);
  const cTiles = d.c / tc / (lanes ? LANES : 1);
  const step = lanes ? LANES : 1;
  const wTiles = Math.ceil(d.w / tw);
  const outs = range(tw);
  const taps = range(tw + k - 1);
  const chans = range(tc);
  // Out-of-range columns only need zeroing when padding puts a tap outside the input;
  // otherwise they only occur past the last valid column, whose results are dropped.
  const masked = pad > 0;
  // With one block of columns (ow0 = 0) a tap's column is a constant: taps in the padding
  // are neither loaded nor multiplied (cnn-deep's conv2 input gradient skips 4 of 15 taps,
  // conv4's 4 of 7), and the others need no mask.
  const fixed = wTiles === 1;
  const tapOn = (j: number) => !(masked && fixed) || (j >= pad && j - pad < s.w);
  const colMask = masked && !fixed;
  const liveTaps = taps.filter(tapOn);
  const load = (j: number) =>
    colMask ? `select(0.0, ${spec.src}[c${j} + ic], ok${j})` : `${spec.src}[c${j} + ic]`;
  const weights = weightReads(spec, lanes);
  const fmas = (kh: number | null) =>
    range(k).filter((kw) => outs.some((o) => tapOn(o + kw))).flatMap((kw) =>
      chans.flatMap((c) => [
        `        { let w = ${
          weights.load(kh, kw, `ic * ${spec.inStride}u + (oc0 + ${c * step}u) * ${spec.outStride}u`)
        };`,
        ...outs.filter((o) => tapOn(o + kw)).map((o) =>
          `          a0_${o}_${c} = fma(v${o + kw}, w, a0_${o}_${c});`
        ),
        "        }",
      ])
    ).join("\n");
  // One input row `kh` (a constant when the weights are unrolled per row, else the loop's).
  const row = (kh: number | null) => {
    const at = kh === null ? "kh" : `${kh}u`;
    return `    let ih = i32(oh0 + ${at}) - ${pad};
    if (ih >= 0 && ih < ${s.h}) {
    let row = (b * ${s.h}u + u32(ih)) * ${s.w * s.c}u;
${taps.map((j) => `    let c${j} = row + cc${j};`).join("\n")}
    for (var ic = 0u; ic < ${s.c}u; ic++) {
${liveTaps.map((j) => `      let v${j} = ${load(j)};`).join("\n")}
${fmas(kh)}
    }
    }`;
  };
  const narrow = tw * tc <= NARROW_ROW;
  const limit = narrow
    ? NARROW
    : { rows: MAX_ROWS, accumulators: BLOCK_ACCUMULATORS, fmas: BLOCK_FMAS };
  let th = 1;
  while (
    weights.unrolled && tw * tc <= ROW_ACCUMULATORS && th < Math.min(d.h, limit.rows) &&
    (th + 1) * tw * tc <= limit.accumulators &&
    (th + 1) * tw * tc * k * k <= limit.fmas
  ) th++;
  const hTiles = Math.ceil(d.h / th);
  const rows = range(th);
  const inRows = range(th + k - 1);
  // Every input row of the block loaded per input channel, each weight gathered once for
  // the `th` output rows it feeds. For a block of rows `tile` known when generating (an
  // edge block), rows in the padding are neither loaded nor multiplied and output rows past
  // the end are not computed.
  const rowsBlock = (tile: number | null) => {
    const top = tile === null ? null : tile * th - pad;
    const rowOn = (q: number) => top === null || (top + q >= 0 && top + q < s.h);
    const outOn = (r: number) => tile === null || tile * th + r < d.h;
    const rowMask = masked && top === null;
    const live = inRows.filter((q) =>
      rowOn(q) && rows.some((r) => outOn(r) && q - r >= 0 && q - r < k)
    );
    return `${
      live.map((q) =>
        top === null
          ? `  let ih${q} = i32(oh0 + ${q}u) - ${pad};
  let r${q} = (b * ${s.h}u + u32(clamp(ih${q}, 0, ${s.h - 1}))) * ${s.w * s.c}u;${
            masked ? `\n  let in${q} = ih${q} >= 0 && ih${q} < ${s.h};` : ""
          }`
          : `  let r${q} = (b * ${s.h}u + ${top + q}u) * ${s.w * s.c}u;`
      ).join("\n")
    }
  for (var ic = 0u; ic < ${s.c}u; ic++) {
${
      live.flatMap((q) =>
        liveTaps.map((j) =>
          `    let v${q}_${j} = ${
            rowMask || colMask
              ? `select(0.0, ${spec.src}[r${q} + cc${j} + ic], ${
                [rowMask ? `in${q}` : "", colMask ? `ok${j}` : ""].filter((x) => x).join(" && ")
              })`
              : `${spec.src}[r${q} + cc${j} + ic]`
          };`
        )
      ).join("\n")
    }
${
      range(k).flatMap((kh) =>
        range(k).filter((kw) => outs.some((o) => tapOn(o + kw))).flatMap((kw) => {
          const fmas = (c: number) =>
            rows.filter((r) => outOn(r) && live.includes(r + kh)).flatMap((r) =>
              outs.filter((o) => tapOn(o + kw)).map((o) =>
                `      a${r}_${o}_${c} = fma(v${r + kh}_${o + kw}, w, a${r}_${o}_${c});`
              )
            );
          if (fmas(0).length === 0) return [];
          return chans.flatMap((c) => [
            `    { let w = ${
              weights.load(
                kh,
                kw,
                `ic * ${spec.inStride}u + (oc0 + ${c * step}u) * ${spec.outStride}u`,
              )
            };`,
            ...fmas(c),
            "    }",
          ]);
        })
      ).join("\n")
    }
  }`;
  };
  // Edge blocks (touching the padding or the end) get their own code when generating.
  const edge = (t: number) =>
    t * th - pad < 0 || t * th + th + k - 1 - pad > s.h || t * th + th > d.h;
  const edges = range(hTiles).filter(edge);
  const blocks = () => {
    const special = edges.length === hTiles ? edges.slice(0, -1) : edges;
    const rest = edges.length === hTiles ? rowsBlock(edges.at(-1)!) : rowsBlock(null);
    return `${
      special.map((t) => `  if (oh0 == ${t * th}u) {\n${rowsBlock(t)}\n  } else`).join("")
    }${special.length ? " {\n" : ""}${rest}${special.length ? "\n  }" : ""}`;
  };
  const body = `  let oc0 = ${
    lanes ? `(g % ${cTiles}u) * ${tc * LANES}u + lane` : `(i % ${cTiles}u) * ${tc}u`
  };
  var t = ${lanes ? "g" : "i"} / ${cTiles}u;
  let ow0 = (t % ${wTiles}u) * ${tw}u;
  t = t / ${wTiles}u;
  let oh0 = (t % ${hTiles}u) * ${th}u;
  let b = t / ${hTiles}u;
${
    taps.map((j) =>
      `  let iw${j} = i32(ow0 + ${j}u) - ${pad};
  let cc${j} = u32(clamp(iw${j}, 0, ${s.w - 1})) * ${s.c}u;${
        masked ? `\n  let ok${j} = iw${j} >= 0 && iw${j} < ${s.w};` : ""
      }`
    ).join("\n")
  }
${
    rows.flatMap((r) => outs.flatMap((o) => chans.map((c) => `  var a${r}_${o}_${c} = 0.0;`)))
      .join("\n")
  }
${
    th > 1
      ? blocks()
      : weights.unrolled
      ? range(k).map((kh) => `  {\n${row(kh)}\n  }`).join("\n")
      : `  for (var kh = 0u; kh < ${k}u; kh++) {\n${row(null)}\n  }`
  }
${
    rows.flatMap((r) =>
      outs.map((o) =>
        `  if (oh0 + ${r}u < ${d.h}u && ow0 + ${o}u < ${d.w}u) {
    let o${r}_${o} = ((b * ${d.h}u + oh0 + ${r}u) * ${d.w}u + ow0 + ${o}u) * ${d.c}u + oc0;
${
          chans.map((c) =>
            `    ${
              spec.store(`o${r}_${o} + ${c * step}u`, `oc0 + ${c * step}u`, `a${r}_${o}_${c}`)
            }`
          ).join("\n")
        }
  }`
      )
    ).join("\n")
  }`;
  const threads = spec.batch * hTiles * wTiles * cTiles;
  const bindings = [...spec.bindings, ...weights.bindings];
  // One loop over the input channels per block of rows, else one per kernel row (unrolled
  // or inside a loop over the kernel rows).
  const cost = convCost(spec, th > 1 ? s.c : k * s.c + (weights.unrolled ? 0 : k));
  if (lanes) return laneKernel(spec.label, bindings, threads, body, cost, LANES);
  return flatKernel(spec.label, bindings, threads, body, cost, "", workgroupFor(tuning));
}
