/**
 * Phase 6's paths that need more than 65,535 workgroups in one dimension (dispatched in 2-D):
 * a 5M-element fused RMSprop update, and at batch 8192 conv1's forward conv and the first
 * pool's gradient, checked against `cpu` on sampled rows (rows are independent).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { SEED_CONV_LAYERS } from "../backend/webgpu/bench_kernels.ts";
import { createFusedOptimizer } from "../backend/webgpu/fused_optimizers.ts";
import {
  convForward,
  maxPoolGrad,
  optimizerSteps,
  randomHost,
  rowsOf,
  sampleRows,
} from "./_parity_ops.ts";
import { compare, onCpu, onWebGpu } from "./_parity_run.ts";
import type { PhaseContext } from "./types.ts";

/** The > 65,535-workgroup paths; the cpu reference runs on the first rows only. */
export async function hugeParity(ctx: PhaseContext): Promise<void> {
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
  // The sampled rows include the last: past 65,535 workgroups, in the dispatch's second row.
  const rows = sampleRows(big);
  const x = randomHost([big, 28, 28, 1], 21);
  const w = randomHost(conv1.filterShape, 22);
  const fwdRef = (await onCpu(convForward(rowsOf(x, rows), w, "valid")))[0]!;
  const fwd = (await onWebGpu("fast(gpu)", convForward(x, w, "valid")))[0]!;
  const at = `rows ${rows.join(", ")}`;
  compare(ctx, `Conv2D cnn-deep/conv1 b${big} fast, ${at} vs cpu`, rowsOf(fwd, rows), fwdRef);
  const px = randomHost([big, 26, 26, 32], 23);
  const pdy = randomHost([big, 13, 13, 32], 24);
  const poolRef = (await onCpu(maxPoolGrad(rowsOf(px, rows), rowsOf(pdy, rows))))[0]!;
  const pool = (await onWebGpu("fast(gpu)", maxPoolGrad(px, pdy)))[0]!;
  compare(
    ctx,
    `MaxPoolGrad cnn-deep/pool1 b${big} fast, ${at} vs cpu`,
    rowsOf(pool, rows),
    poolRef,
  );
}
