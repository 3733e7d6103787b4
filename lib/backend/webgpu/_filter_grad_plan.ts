/**
 * How the fast filter gradient splits its work: the register block each thread
 * accumulates and the split of the batch × output-row reduction. Layer shapes are baked
 * into the shaders as constants (Deno bounds-checks loops whose bound is not constant);
 * the batch-dependent counts are uniforms, so a new batch size does not recompile.
 *
 * @module
 */
import type { ConvShape } from "./_conv_shape.ts";
import type { KernelTuning } from "./_tuning.ts";
import { LLVMPIPE_LOOP_LIMIT, nestPasses } from "../../engine/webgpu/_loop_limit.ts";

/** The convolution geometry the fast filter-gradient kernel handles (NHWC, stride 1). */
export type FilterGradShape = ConvShape;

/** A {@linkcode FilterGradShape} plus the work split chosen for it. */
export interface FilterGradPlan extends FilterGradShape {
  /** Input channels per thread: 4 (read as one vec4) or all of them (read as scalars). */
  channelBlock: number;
  /** Filter rows per thread (divides filterHeight). */
  rowBlock: number;
  /** vec4 groups of output channels per thread (divides outChannels / 4). */
  coGroups: number;
  /** Output rows (batch × outHeight) that each thread reduces over. */
  rowsPerSplit: number;
  /** Number of partial sums per filter element (1: no second pass). */
  splits: number;
  /** Threads per output in the second pass (a power of two ≤ workgroupSize). */
  reduceLanes: number;
  /** Threads per workgroup (both passes). */
  workgroupSize: number;
}

const TUNINGS = {
  // An H100 keeps ~270k threads resident, but these hold up to 16 vec4 accumulators.
  gpu: { targetThreads: 32_768, maxAccumulators: 16, workgroupSize: 64, minPerLane: 8 },
  // llvmpipe runs a workgroup as 8-lane SIMD on one core: 16 workgroups of 8 keep 2–16
  // cores busy. 144 vec4 accumulators: 288 was ~20 % faster but took ~8 s to compile.
  cpu: { targetThreads: 128, maxAccumulators: 144, workgroupSize: 8, minPerLane: Infinity },
} as const;
const MAX_PARTIAL_FLOATS = 1 << 22;
const MAX_SCALAR_CHANNELS_TIMES_WIDTH = 32;

/** Threads per split: one per (filter-row block, channel block, output-channel block). */
export function threadsPerSplit(
  plan: FilterGradShape & { channelBlock: number; rowBlock: number; coGroups: number },
): number {
  return (plan.filterHeight / plan.rowBlock) * (plan.inChannels / plan.channelBlock) *
    (plan.outChannels / 4 / plan.coGroups);
}

function largestDivisor(n: number, fits: (d: number) => boolean): number {
  for (let d = n; d > 1; d--) if (n % d === 0 && fits(d)) return d;
  return 1;
}

/**
 * Chooses the split for a shape, or returns `undefined` when the fast kernel does not
 * handle it (output channels not a multiple of 4, or too many scalar input channels).
 *
 * @param shape The convolution geometry.
 * @param tuning The kind of adapter to tune for.
 */
export function planFilterGrad(
  shape: FilterGradShape,
  tuning: KernelTuning = "gpu",
): FilterGradPlan | undefined {
  if (shape.outChannels % 4 !== 0) return undefined;
  const channelBlock = shape.inChannels % 4 === 0 ? 4 : shape.inChannels;
  if (channelBlock * shape.filterWidth > MAX_SCALAR_CHANNELS_TIMES_WIDTH) return undefined;
  const { targetThreads, maxAccumulators, workgroupSize, minPerLane } = TUNINGS[tuning];
  const perRow = shape.filterWidth * channelBlock;
  const rowBlock = largestDivisor(shape.filterHeight, (d) => d * perRow <= maxAccumulators);
  const rows = rowBlock * perRow;
  const coGroups = largestDivisor(shape.outChannels / 4, (g) => g * rows <= maxAccumulators);
  const perSplit = threadsPerSplit({ ...shape, channelBlock, rowBlock, coGroups });
  const outRows = shape.batch * shape.outHeight;
  const filterFloats = shape.filterHeight * shape.filterWidth * shape.inChannels *
    shape.outChannels;
  let splits = Math.max(1, Math.min(outRows, Math.round(targetThreads / perSplit)));
  // A thread walks `rowsPerSplit` rows of `outWidth` columns: llvmpipe stops an invocation
  // past 65,535 loop passes (`_loop_limit.ts`), which cnn-deep's conv2 reaches near batch
  // 1,800 with the cpu tuning's few splits.
  const maxRows = Math.floor((LLVMPIPE_LOOP_LIMIT - 1) / (shape.outWidth + 2));
  let rowsPerSplit = Math.min(Math.ceil(outRows / splits), maxRows);
  while (Math.ceil(outRows / rowsPerSplit) * filterFloats > MAX_PARTIAL_FLOATS) rowsPerSplit++;
  if (nestPasses([rowsPerSplit, shape.outWidth]) > LLVMPIPE_LOOP_LIMIT) return undefined;
  splits = Math.ceil(outRows / rowsPerSplit);
  // Each reduce lane adds at least `minPerLane` partial sums before the tree step.
  let reduceLanes = 1;
  while (reduceLanes < workgroupSize && reduceLanes * 2 * minPerLane <= splits) reduceLanes *= 2;
  return {
    ...shape,
    channelBlock,
    rowBlock,
    coGroups,
    rowsPerSplit,
    splits,
    reduceLanes,
    workgroupSize,
  };
}
