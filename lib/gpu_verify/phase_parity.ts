/**
 * Phase 2: the kernel pack against tfjs' stock WebGPU kernels and the `cpu` backend at the
 * real shapes of the seed models, forcing each tuning plan, plus the paths that need more
 * than 65,535 workgroups in one dimension (dispatched in 2-D).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { SEED_CONV_LAYERS } from "../backend/webgpu/bench_kernels.ts";
import { createFusedOptimizer } from "../backend/webgpu/fused_optimizers.ts";
import { describeLayerPlans, forceKernelTuning } from "../backend/webgpu/kernel_plans.ts";
import { setWebGpuKernels } from "../backend/webgpu/register_kernels.ts";
import {
  convForward,
  convKernels,
  download,
  type Host,
  maxPoolGrad,
  optimizerSteps,
  randomHost,
  relativeError,
} from "./_parity_ops.ts";
import type { PhaseContext } from "./types.ts";

const TOLERANCE = 1e-4;
const KERNELS = ["Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"];
/** Max-pool inputs of the seed models (2×2, stride 2); 11×11 cuts off the last row/column. */
const POOLS: Record<string, [number, number, number]> = {
  "cnn-deep/pool1": [26, 26, 32],
  "cnn-deep/pool2": [11, 11, 64],
  "cnn-basic/pool": [28, 28, 32],
  "cnn-wide/pool": [24, 24, 32],
};
const DEEP_SHAPES = [
  [3, 3, 1, 32],
  [32],
  [3, 3, 32, 64],
  [64],
  [3, 3, 64, 64],
  [64],
  [576, 64],
  [64],
  [64, 10],
  [10],
];

type Variant = "stock" | "fast(gpu)" | "fast(cpu)";
const VARIANTS: Variant[] = ["stock", "fast(gpu)", "fast(cpu)"];

async function onWebGpu(variant: Variant, compute: () => tf.Tensor[]): Promise<Host[]> {
  await tf.setBackend("webgpu");
  setWebGpuKernels(variant === "stock" ? "stock" : "fast");
  forceKernelTuning(variant === "fast(cpu)" ? "cpu" : variant === "fast(gpu)" ? "gpu" : undefined);
  return await download(compute);
}

async function onCpu(compute: () => tf.Tensor[]): Promise<Host[]> {
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  return await download(compute);
}

function compare(ctx: PhaseContext, name: string, actual: Host, expected: Host): void {
  const error = relativeError(actual, expected);
  ctx.check(name, error <= TOLERANCE, `relative error ${error.toExponential(2)}`);
}

async function convParity(ctx: PhaseContext, layers: string[], batches: number[]): Promise<void> {
  const plans: Record<string, unknown> = {};
  for (const layer of layers) {
    const g = SEED_CONV_LAYERS[layer]!;
    for (const batch of batches) {
      if (ctx.secondsLeft() < 120) return ctx.log(`parity: out of time before ${layer} b${batch}`);
      const x = randomHost([batch, ...g.inShape], batch);
      const w = randomHost(g.filterShape, 7);
      const out = tf.backend_util.computeConv2DInfo(x.shape as never, g.filterShape, 1, 1, g.pad);
      const dy = randomHost(out.outShape, 11);
      const compute = convKernels(x, w, dy, g.pad);
      const expected = await onCpu(compute);
      const results: Partial<Record<Variant, Host[]>> = {};
      for (const variant of VARIANTS) {
        results[variant] = await onWebGpu(variant, compute);
        KERNELS.forEach((kernel, k) =>
          compare(
            ctx,
            `${kernel} ${layer} b${batch} ${variant} vs cpu`,
            results[variant]![k]!,
            expected[k]!,
          )
        );
      }
      for (const variant of ["fast(gpu)", "fast(cpu)"] as const) {
        KERNELS.forEach((kernel, k) =>
          compare(
            ctx,
            `${kernel} ${layer} b${batch} ${variant} vs stock`,
            results[variant]![k]!,
            results.stock![k]!,
          )
        );
      }
      plans[`${layer} b${batch}`] = {
        gpu: describeLayerPlans(g, batch, "gpu"),
        cpu: describeLayerPlans(g, batch, "cpu"),
      };
      ctx.log(`parity: ${layer} b${batch} done`);
    }
  }
  ctx.record("plans", plans);
}

async function poolParity(ctx: PhaseContext, pools: string[], batches: number[]): Promise<void> {
  for (const pool of pools) {
    for (const batch of batches) {
      const [h, w, c] = POOLS[pool]!;
      const x = randomHost([batch, h, w, c], 3 + batch);
      const dy = randomHost([batch, Math.floor(h / 2), Math.floor(w / 2), c], 5);
      const expected = (await onCpu(maxPoolGrad(x, dy)))[0]!;
      const stock = (await onWebGpu("stock", maxPoolGrad(x, dy)))[0]!;
      const fast = (await onWebGpu("fast(gpu)", maxPoolGrad(x, dy)))[0]!;
      compare(ctx, `MaxPoolGrad ${pool} b${batch} fast vs cpu`, fast, expected);
      compare(ctx, `MaxPoolGrad ${pool} b${batch} stock vs cpu`, stock, expected);
    }
  }
}

async function optimizerParity(ctx: PhaseContext, shapes: number[][]): Promise<void> {
  for (const name of ["rmsprop", "adam"] as const) {
    const stock = () =>
      name === "adam"
        ? tf.train.adam(0.001, 0.9, 0.999, 1e-7)
        : tf.train.rmsprop(0.001, 0.9, 0, 1e-7);
    await onCpu(() => []);
    const expected = await optimizerSteps(stock, shapes, 3)();
    await onWebGpu("fast(gpu)", () => []);
    const actual = await optimizerSteps(() => createFusedOptimizer(name, 0.001), shapes, 3)();
    actual.forEach((a, i) =>
      compare(ctx, `fused ${name} [${a.shape}] 3 steps vs cpu`, a, expected[i]!)
    );
  }
}

/** The > 65,535-workgroup paths; the cpu reference runs on the first rows only. */
async function hugeParity(ctx: PhaseContext): Promise<void> {
  const big = ctx.quick ? 0 : 8192;
  const limit = ctx.device.limits.maxStorageBufferBindingSize;
  const rmsSize = 5_000_001; // odd: the scalar path, 78,126 workgroups of 64
  await onCpu(() => []);
  const rmsRef = await optimizerSteps(
    () => tf.train.rmsprop(0.001, 0.9, 0, 1e-7),
    [[rmsSize]],
    1,
  )();
  await onWebGpu("fast(gpu)", () => []);
  const rms = await optimizerSteps(() => createFusedOptimizer("rmsprop", 0.001), [[rmsSize]], 1)();
  compare(ctx, `fused rmsprop [${rmsSize}] (2-D dispatch) vs cpu`, rms[0]!, rmsRef[0]!);
  const conv1 = SEED_CONV_LAYERS["cnn-deep/conv1"]!;
  const poolBytes = big * 26 * 26 * 32 * 4;
  if (big === 0 || poolBytes > limit) {
    ctx.record("hugeConvAndPool", `skipped: batch ${big} needs ${poolBytes} B, limit ${limit} B`);
    return;
  }
  const rows = 64;
  const x = randomHost([big, 28, 28, 1], 21);
  const w = randomHost(conv1.filterShape, 22);
  const firstRows = (h: Host, n: number) => ({
    shape: [n, ...h.shape.slice(1)],
    values: h.values.subarray(0, (h.values.length / h.shape[0]!) * n),
  });
  const fwdRef = (await onCpu(convForward(firstRows(x, rows), w, "valid")))[0]!;
  const fwd = (await onWebGpu("fast(gpu)", convForward(x, w, "valid")))[0]!;
  compare(
    ctx,
    `Conv2D cnn-deep/conv1 b${big} fast, first ${rows} rows vs cpu`,
    firstRows(fwd, rows),
    fwdRef,
  );
  const px = randomHost([big, 26, 26, 32], 23);
  const pdy = randomHost([big, 13, 13, 32], 24);
  const poolRef = (await onCpu(maxPoolGrad(firstRows(px, rows), firstRows(pdy, rows))))[0]!;
  const pool = (await onWebGpu("fast(gpu)", maxPoolGrad(px, pdy)))[0]!;
  compare(
    ctx,
    `MaxPoolGrad cnn-deep/pool1 b${big} fast, first ${rows} rows vs cpu`,
    firstRows(pool, rows),
    poolRef,
  );
}

/** Phase 2 body. */
export async function parityPhase(ctx: PhaseContext): Promise<void> {
  const layers = ctx.quick ? ["cnn-deep/conv3"] : Object.keys(SEED_CONV_LAYERS);
  const batches = ctx.quick ? [1, 2] : [1, 64, 65, 1024];
  await convParity(ctx, layers, batches);
  await poolParity(
    ctx,
    ctx.quick ? ["cnn-deep/pool2"] : Object.keys(POOLS),
    ctx.quick ? [2] : [1, 64, 65, 1024],
  );
  await optimizerParity(ctx, ctx.quick ? [[3, 3, 8, 8], [8], [10]] : DEEP_SHAPES);
  await hugeParity(ctx);
}
