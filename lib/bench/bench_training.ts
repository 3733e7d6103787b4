/**
 * Times real training steps: the same `fitEpoch` loop `trainCnn` uses, on real MNIST
 * batches, after a warm-up, with one readback at the end of the timed steps.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { imagesToTensor, labelsToTensor, limitSplit } from "../data/tensors.ts";
import type { MnistSplit } from "../data/types.ts";
import { buildModel } from "../models/build_model.ts";
import type { Architecture } from "../models/architecture.ts";
import { resolveArchitecture } from "../models/resolve_architecture.ts";
import { defaultRecipe } from "../defaults.ts";
import { createOptimizer } from "../train/optimizer.ts";
import { fitEpoch } from "../train/fit_epoch.ts";
import { mulberry32 } from "../random.ts";

/** What to time. */
export interface BenchOptions {
  /** A registry name or an architecture. */
  arch: string | Architecture;
  /** Batch size. @default the recipe's */
  batchSize?: number;
  /** Timed steps. @default 20 */
  steps?: number;
  /** Untimed warm-up steps (shader compilation, allocation). @default 3 */
  warmupSteps?: number;
  /** Collect a per-kernel breakdown of one extra step with `tf.profile`. @default false */
  profile?: boolean;
}

/** One kernel's share of a profiled step. */
export interface KernelTime {
  /** Kernel name, e.g. `Conv2DBackpropFilter`. */
  name: string;
  /** Calls in one step. */
  calls: number;
  /** Total milliseconds in one step (as tfjs measures it on the backend). */
  ms: number;
}

/** One benchmark row. */
export interface BenchRow {
  /** Architecture. */
  arch: string;
  /** Active backend. */
  backend: string;
  /** Batch size. */
  batch: number;
  /** Timed steps. */
  steps: number;
  /** Mean wall-clock milliseconds per training step. */
  msPerStep: number;
  /** Training images per second. */
  imagesPerSecond: number;
  /** Projected seconds for one 60,000-image epoch at this speed. */
  secondsPerEpoch: number;
  /** Kernel breakdown of one step, slowest first (with `profile`). */
  profile?: KernelTime[];
}

async function profileStep(run: () => Promise<unknown>): Promise<KernelTime[]> {
  const info = await tf.profile(async () => {
    await run();
    return [];
  });
  const byName = new Map<string, KernelTime>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    entry.calls++;
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    entry.ms += ms;
    byName.set(k.name, entry);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms);
}

/** Times `steps` training steps of an architecture on the active backend. */
export async function benchTraining(train: MnistSplit, options: BenchOptions): Promise<BenchRow> {
  const architecture = resolveArchitecture(options.arch);
  const recipe = architecture.recipe ?? defaultRecipe();
  const batch = options.batchSize ?? recipe.batchSize;
  const steps = options.steps ?? 20;
  const warmup = options.warmupSteps ?? 3;
  const model = buildModel(architecture, { seed: 1 });
  const optimizer = createOptimizer(recipe.optimizer, recipe.learningRate);
  // Tensors for the warm-up and the timed steps are made before the clock starts.
  const sets = [warmup, steps, ...(options.profile ? [1] : [])].map((count) => {
    const split = limitSplit(train, Math.min(train.count, batch * count));
    return { images: imagesToTensor(split), labels: labelsToTensor(split) as tf.Tensor1D };
  });
  const run = (set: number) =>
    fitEpoch({
      model,
      optimizer,
      batchSize: batch,
      epoch: 1,
      epochs: 1,
      random: mulberry32(set),
      progressUpdates: 1,
      images: sets[set]!.images,
      labels: sets[set]!.labels,
    });
  try {
    await run(0);
    const start = performance.now();
    await run(1);
    const ms = (performance.now() - start) / Math.ceil(sets[1]!.images.shape[0] / batch);
    const profile = options.profile ? await profileStep(() => run(2)) : undefined;
    return {
      arch: architecture.name,
      backend: tf.getBackend(),
      batch,
      steps,
      msPerStep: ms,
      imagesPerSecond: (batch * 1000) / ms,
      secondsPerEpoch: (60_000 / batch) * ms / 1000,
      ...(profile ? { profile } : {}),
    };
  } finally {
    tf.dispose(sets.flatMap((set) => [set.images, set.labels]));
    optimizer.dispose();
    model.dispose();
  }
}
