/**
 * Phase 6: the kernel pack against the `cpu` backend at the real shapes of the seed models,
 * forcing each tuning plan, plus the paths that need more than 65,535 workgroups in one
 * dimension (dispatched in 2-D). tfjs' stock WebGPU kernels run on the same inputs; where
 * they differ (from `cpu` or from the pack) it is listed, not failed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { SEED_CONV_LAYERS } from "../backend/webgpu/bench_kernels.ts";
import { createFusedOptimizer } from "../backend/webgpu/fused_optimizers.ts";
import { describeLayerPlans } from "../backend/webgpu/kernel_plans.ts";
import {
  convKernels,
  type Host,
  keepRows,
  maxPoolGrad,
  optimizerSteps,
  randomHost,
  rowsOf,
  sampleRows,
} from "./_parity_ops.ts";
import { compare, noteStock, onCpu, onWebGpu, type Variant, VARIANTS } from "./_parity_run.ts";
import { hugeParity } from "./_parity_huge.ts";
import type { PhaseContext } from "./types.ts";

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

async function convParity(ctx: PhaseContext, layers: string[], batches: number[]): Promise<void> {
  const plans: Record<string, unknown> = {};
  ctx.record("plans", plans); // filled as the cases run, so a cut-short run still shows them
  for (const layer of layers) {
    const g = SEED_CONV_LAYERS[layer]!;
    for (const batch of batches) {
      if (ctx.secondsLeft() < 30) {
        ctx.record("out of time", `before the conv case ${layer} b${batch}`);
        return;
      }
      const x = randomHost([batch, ...g.inShape], batch);
      const w = randomHost(g.filterShape, 7);
      const out = tf.backend_util.computeConv2DInfo(x.shape as never, g.filterShape, 1, 1, g.pad);
      // dy is zero outside the sampled rows, so the filter gradient over the whole batch
      // equals the cpu one over those rows; the other two outputs are compared on them.
      const rows = sampleRows(batch);
      const dy = keepRows(randomHost(out.outShape, 11), rows);
      const compute = convKernels(x, w, dy, g.pad);
      const expected = await onCpu(convKernels(rowsOf(x, rows), w, rowsOf(dy, rows), g.pad));
      const sampled = (
        hosts: Host[],
      ) => [rowsOf(hosts[0]!, rows), rowsOf(hosts[1]!, rows), hosts[2]!];
      const results: Partial<Record<Variant, Host[]>> = {};
      // The cpu plan's ~128 threads suit llvmpipe; on a GPU at batch 1024 its filter gradient
      // would run for tens of seconds (one thread reduces ~36 MFLOP), so it stops at 65.
      const variants = batch >= 1024 ? VARIANTS.filter((v) => v !== "fast(cpu)") : VARIANTS;
      plans[`${layer} b${batch}`] = {
        gpu: describeLayerPlans(g, batch, "gpu"),
        cpu: describeLayerPlans(g, batch, "cpu"),
      };
      for (const variant of variants) {
        results[variant] = sampled(await onWebGpu(variant, compute));
        KERNELS.forEach((kernel, k) => {
          const name = `${kernel} ${layer} b${batch} ${variant} vs cpu`;
          if (variant === "stock") noteStock(ctx, name, results.stock![k]!, expected[k]!);
          else compare(ctx, name, results[variant]![k]!, expected[k]!);
        });
      }
      for (const variant of variants.filter((v) => v !== "stock")) {
        KERNELS.forEach((kernel, k) =>
          noteStock(
            ctx,
            `${kernel} ${layer} b${batch} ${variant} vs stock`,
            results[variant]![k]!,
            results.stock![k]!,
          )
        );
      }
      ctx.log(`parity: ${layer} b${batch} done`);
    }
  }
}

async function poolParity(ctx: PhaseContext, pools: string[], batches: number[]): Promise<void> {
  for (const pool of pools) {
    for (const batch of batches) {
      if (ctx.secondsLeft() < 20) {
        ctx.record("out of time", `before the pool case ${pool} b${batch}`);
        return;
      }
      const [h, w, c] = POOLS[pool]!;
      const x = randomHost([batch, h, w, c], 3 + batch);
      const dy = randomHost([batch, Math.floor(h / 2), Math.floor(w / 2), c], 5);
      const rows = sampleRows(batch);
      const expected = (await onCpu(maxPoolGrad(rowsOf(x, rows), rowsOf(dy, rows))))[0]!;
      const stock = rowsOf((await onWebGpu("stock", maxPoolGrad(x, dy)))[0]!, rows);
      const fast = rowsOf((await onWebGpu("fast(gpu)", maxPoolGrad(x, dy)))[0]!, rows);
      compare(ctx, `MaxPoolGrad ${pool} b${batch} fast vs cpu`, fast, expected);
      noteStock(ctx, `MaxPoolGrad ${pool} b${batch} stock vs cpu`, stock, expected);
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

/**
 * Phase 6 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function parityPhase(ctx: PhaseContext): Promise<void> {
  const layers = ctx.quick ? ["cnn-deep/conv3"] : Object.keys(SEED_CONV_LAYERS);
  const batches = ctx.quick ? [1, 5] : [1, 64, 65, 1024];
  await convParity(ctx, layers, batches);
  await poolParity(
    ctx,
    ctx.quick ? ["cnn-deep/pool2"] : Object.keys(POOLS),
    ctx.quick ? [5] : [1, 64, 65, 1024],
  );
  await optimizerParity(ctx, ctx.quick ? [[3, 3, 8, 8], [8], [10]] : DEEP_SHAPES);
  if (ctx.secondsLeft() < 20) {
    ctx.record("out of time", "before the > 65,535-workgroup cases");
    return;
  }
  await hugeParity(ctx);
}
