/**
 * How a register-tiled conv (`_tiles.ts`) divides its output among threads: the block of
 * columns × channels (× rows on llvmpipe) each thread computes, which taps fall in the
 * padding, and how the weights are read.
 *
 * @module
 */
import type { Shape3 } from "../plan.ts";
import type { Tuning } from "./_adapter_tuning.ts";
import { convProducts } from "./_cost.ts";
import { gpuConvBlock } from "./_gpu_sizing.ts";
import type { KernelBinding } from "./_kernel_binding.ts";
import { range } from "./_wgsl_snippets.ts";
import { type WeightReads, weightReads } from "./_tile_weights.ts";

/** Unrolled multiply-adds per inner iteration on llvmpipe (compile time grows with it). */
export const CPU_FMAS = 600;
/** Accumulators per thread on llvmpipe (private memory is cheap there). */
export const CPU_ACCUMULATORS = 128;
/** Lanes of llvmpipe's SIMD rows (8 × f32 in 256-bit registers). */
export const LANES = 8;

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

/**
 * A thread's register block for a conv: `cols` output columns × `chans` output channels.
 * `cpu` (llvmpipe, where every buffer load costs ~5 ns per lane and private memory is
 * cheap): whole rows and as many channels as keep {@linkcode CPU_FMAS} unrolled multiply-adds
 * per input channel and {@linkcode CPU_ACCUMULATORS} accumulators; `gpu`: 4 × 4.
 */
export function convBlock(d: Shape3, k: number, tuning: Tuning): { cols: number; chans: number } {
  if (tuning === "gpu") return { cols: Math.min(4, d.w), chans: d.c % 4 === 0 ? 4 : 1 };
  return cpuBlock(d.w, d.c, k);
}

/** Whole rows (≤ 32 columns) and the most of `channels` that fit llvmpipe's budget. */
function cpuBlock(width: number, channels: number, k: number): { cols: number; chans: number } {
  const cols = Math.min(width, 32);
  let chans = 1;
  for (let c = channels; c > 1; c--) {
    if (channels % c === 0 && c * cols * k <= CPU_FMAS && c * cols <= CPU_ACCUMULATORS) {
      chans = c;
      break;
    }
  }
  return { cols, chans };
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

/** Output rows a thread takes for a row block of `block` accumulators (see above). */
function rowsPerThread(unrolled: boolean, block: number, height: number, k: number): number {
  const limit = block <= NARROW_ROW
    ? NARROW
    : { rows: MAX_ROWS, accumulators: BLOCK_ACCUMULATORS, fmas: BLOCK_FMAS };
  let th = 1;
  while (
    unrolled && block <= ROW_ACCUMULATORS && th < Math.min(height, limit.rows) &&
    (th + 1) * block <= limit.accumulators &&
    (th + 1) * block * k * k <= limit.fmas
  ) th++;
  return th;
}

/** A conv tile's division of the output, as the code generators read it. */
export interface TileShape {
  /** Lane mode: the 8 lanes of a workgroup take 8 output channels of one block. */
  lanes: boolean;
  /** Columns, channels (per lane) and rows of a thread's block. */
  tw: number;
  tc: number;
  th: number;
  /** Channel stride between a block's channels (8 in lane mode). */
  step: number;
  cTiles: number;
  wTiles: number;
  hTiles: number;
  outs: number[];
  taps: number[];
  chans: number[];
  rows: number[];
  /** Padding can put a tap outside the input. */
  masked: boolean;
  /** Columns are masked at run time (padding, and more than one block of columns). */
  colMask: boolean;
  /** Whether tap column `j` is loaded at all (padding taps of a single block are not). */
  tapOn: (j: number) => boolean;
  liveTaps: number[];
  weights: WeightReads;
}

/**
 * The block each thread of a conv tile computes. On llvmpipe with channels in multiples of
 * 8, the 8 lanes of a workgroup take 8 output channels of one block: the input loads are
 * shared by the lanes and the weights, per lane, come from uniform windows.
 */
export function tileShape(spec: ConvTile, tuning: Tuning): TileShape {
  const { srcShape: s, dstShape: d, k, pad } = spec;
  const lanes = tuning === "cpu" && d.c % LANES === 0;
  const { cols: tw, chans: tc } = lanes
    ? cpuBlock(d.w, d.c / LANES, k)
    : tuning === "gpu"
    ? gpuConvBlock(spec.batch, d, 2 * convProducts(spec.batch, s, d, k, pad))
    : convBlock(d, k, tuning);
  const wTiles = Math.ceil(d.w / tw);
  const taps = range(tw + k - 1);
  // Out-of-range columns only need zeroing when padding puts a tap outside the input;
  // otherwise they only occur past the last valid column, whose results are dropped.
  const masked = pad > 0;
  // With one block of columns (ow0 = 0) a tap's column is a constant: taps in the padding
  // are neither loaded nor multiplied (cnn-deep's conv2 input gradient skips 4 of 15 taps,
  // conv4's 4 of 7), and the others need no mask.
  const fixed = wTiles === 1;
  const tapOn = (j: number) => !(masked && fixed) || (j >= pad && j - pad < s.w);
  const weights = weightReads({ ...spec, slab: s.c * d.c }, lanes);
  const th = rowsPerThread(weights.unrolled, tw * tc, d.h, k);
  return {
    lanes,
    tw,
    tc,
    th,
    step: lanes ? LANES : 1,
    cTiles: d.c / tc / (lanes ? LANES : 1),
    wTiles,
    hTiles: Math.ceil(d.h / th),
    outs: range(tw),
    taps,
    chans: range(tc),
    rows: range(th),
    masked,
    colMask: masked && !fixed,
    tapOn,
    liveTaps: taps.filter(tapOn),
    weights,
  };
}
