/**
 * Phase 7: what a training step costs the CPU, counted over real steps of `fitEpoch` by
 * wrapping the device and queue methods (the counter the engine's bench uses, so the two
 * paths are counted alike): dispatches, submits, `writeBuffer`, bind groups, pipelines
 * created after warm-up, `mapAsync` per epoch, and the CPU time to encode a step against
 * its wall time.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { labelsToTensor, limitSplit } from "../data/tensors.ts";
import { imagesToDevice } from "../train/device_images.ts";
import { buildModel } from "../models/build_model.ts";
import { getArchitecture } from "../models/architectures.ts";
import { mulberry32 } from "../random.ts";
import { fitEpoch } from "../train/fit_epoch.ts";
import { createOptimizer } from "../train/optimizer.ts";
import { countGpuCalls, type GpuCounts } from "../engine/webgpu/gpu_counters.ts";
import type { MnistSplit } from "../data/types.ts";
import type { PhaseContext } from "./types.ts";

/**
 * Phase 7 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function countersPhase(ctx: PhaseContext): Promise<void> {
  const arch = ctx.quick ? "mlp" : "cnn-deep";
  const batch = ctx.quick ? 16 : 64;
  const steps = ctx.quick ? 12 : 300;
  const warmup = ctx.quick ? 3 : 20;
  const { train } = await ctx.mnist();
  const recipe = getArchitecture(arch).recipe;
  const model = buildModel(arch, { seed: 1 });
  const optimizer = createOptimizer(recipe.optimizer, recipe.learningRate);
  const run: EpochRun = { model, optimizer, train, batch };
  const counter = countGpuCalls(ctx.device);
  try {
    await deviceEpoch(run, batch * warmup, 1); // compiles every pipeline
    counter.reset();
    const start = performance.now();
    await deviceEpoch(run, batch * steps, 2);
    const wall = performance.now() - start;
    const c = { ...counter.counts };
    const summary = { arch, batch, steps, ...perStep(c, steps, wall) };
    ctx.record("counters", summary);
    ctx.log(`counters: ${JSON.stringify(summary)}`);
    ctx.check("no pipeline is created after warm-up", c.pipelines === 0, `${c.pipelines}`);
    // One progress report per epoch here: the loss and the correct count, read together.
    ctx.check("at most 2 mapAsync readbacks per epoch", c.mapAsyncs <= 2, `${c.mapAsyncs}`);
    ctx.check("every step dispatches work", c.dispatches >= steps, `${c.dispatches}`);
  } finally {
    counter.restore();
    optimizer.dispose();
    model.dispose();
  }
}

/** The model, optimizer and data the phase's epochs train. */
interface EpochRun {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  train: MnistSplit;
  batch: number;
}

/** One `fitEpoch` over the first `count` samples, uploaded to the device for it alone. */
async function deviceEpoch(run: EpochRun, count: number, seed: number): Promise<void> {
  const split = limitSplit(run.train, count);
  const images = imagesToDevice(split);
  const labels = labelsToTensor(split) as tf.Tensor1D;
  try {
    await fitEpoch({
      model: run.model,
      optimizer: run.optimizer,
      images,
      labels,
      batchSize: run.batch,
      epoch: 1,
      epochs: 1,
      random: mulberry32(seed),
      progressUpdates: 1,
    });
  } finally {
    images.dispose();
    labels.dispose();
  }
}

/** The counts of the timed epoch per step, rounded for the report. */
function perStep(c: GpuCounts, steps: number, wall: number) {
  const per = (n: number) => Number((n / steps).toFixed(2));
  return {
    dispatchesPerStep: per(c.dispatches),
    submitsPerStep: per(c.submits),
    writeBuffersPerStep: per(c.writeBuffers),
    bindGroupsPerStep: per(c.bindGroups),
    pipelinesAfterWarmup: c.pipelines,
    mapAsyncPerEpoch: c.mapAsyncs,
    encodeMsPerStep: Number((c.encodeMs / steps).toFixed(3)),
    submitMsPerStep: Number((c.submitMs / steps).toFixed(3)),
    wallMsPerStep: Number((wall / steps).toFixed(3)),
  };
}
