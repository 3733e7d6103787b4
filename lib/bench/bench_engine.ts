/**
 * Times training steps through the `EpochRunner` an engine request resolves to (the tfjs
 * path or the compiled engine), on real MNIST batches after a warm-up, and optionally
 * counts the WebGPU calls per step. Also the entry point of the GPU verification kit for
 * the engine (`benchEngine` with `counters: true`, then compare `engine` rows).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { limitSplit } from "../data/tensors.ts";
import type { MnistSplit } from "../data/types.ts";
import { createEpochRunner } from "../train/create_runner.ts";
import type { Architecture } from "../models/architecture.ts";
import { resolveArchitecture } from "../models/resolve_architecture.ts";
import { defaultRecipe } from "../defaults.ts";
import { buildModel } from "../models/build_model.ts";
import { mulberry32 } from "../random.ts";
import type { EngineName, EngineRequest, EpochRunner } from "../runner/epoch_runner.ts";
import type { GpuCounter, GpuCounts } from "../engine/webgpu/gpu_counters.ts";
import { createOptimizer } from "../train/optimizer.ts";
import type { BenchRow } from "./bench_training.ts";

/** What to time. */
export interface EngineBenchOptions {
  /** A registry name or an architecture. */
  arch: string | Architecture;
  /** @default the recipe's */
  batchSize?: number;
  /** Timed steps. @default 20 */
  steps?: number;
  /** Untimed warm-up steps. @default 3 */
  warmupSteps?: number;
  /** `tfjs`, `compiled` or `auto`. */
  engine: EngineRequest;
  /** Count WebGPU calls per timed step (webgpu backend only). */
  counters?: boolean;
  /** Self-check verdict cache. */
  verdictFile?: string;
  /** Receives the engine factory's note when `auto` falls back. */
  onNote?: (line: string) => void;
}

/** WebGPU calls per timed training step. */
export interface StepCounters {
  dispatchesPerStep: number;
  submitsPerStep: number;
  writeBuffersPerStep: number;
  bindGroupsPerStep: number;
  /** Pipelines created during the timed steps (0 when everything compiled in warm-up). */
  pipelinesAfterWarmup: number;
  mapAsyncsPerStep: number;
  /** CPU ms per step to record the commands (see `GpuCounts.encodeMs`). */
  encodeMsPerStep: number;
  /** ms per step inside `queue.submit` (see `GpuCounts.submitMs`). */
  submitMsPerStep: number;
}

/** A benchmark row with the engine that ran and, with `counters`, the call counts. */
export interface EngineBenchRow extends BenchRow {
  engine: EngineName;
  counters?: StepCounters;
}

/**
 * Times `steps` training steps of an architecture through the requested engine.
 *
 * @param train Training samples (the first `batch × steps` are used).
 * @param options Architecture, batch, steps, engine, counters.
 * @returns ms/step and throughput, which engine ran, and the counters.
 * @throws {UsageError | BackendUnavailableError} for `compiled` where it cannot run.
 * @example
 * ```ts ignore
 * const row = await benchEngine(data.train, { arch: "cnn-deep", engine: "compiled", counters: true });
 * console.log(row.engine, row.msPerStep, row.counters?.dispatchesPerStep);
 * ```
 */
export async function benchEngine(
  train: MnistSplit,
  options: EngineBenchOptions,
): Promise<EngineBenchRow> {
  const architecture = resolveArchitecture(options.arch);
  const recipe = architecture.recipe ?? defaultRecipe();
  const batch = options.batchSize ?? recipe.batchSize;
  const steps = options.steps ?? 20;
  const warmup = options.warmupSteps ?? 3;
  const backend = tf.getBackend();
  const model = buildModel(architecture, { seed: 1 });
  const optimizer = createOptimizer(recipe.optimizer, recipe.learningRate);
  const input = {
    arch: architecture,
    model,
    optimizer,
    train: limitSplit(train, batch * steps),
    batchSize: batch,
  };
  const runner = await createEpochRunner(input, options.engine, {
    backend,
    verdictFile: options.verdictFile,
    onNote: options.onNote,
  });
  const counter = options.counters && backend === "webgpu" ? await startCounter() : null;
  try {
    const random = mulberry32(1);
    const stepsPerEpoch = Math.ceil(input.train.count / batch);
    await warmUp(runner, random, stepsPerEpoch, warmup);
    counter?.reset();
    const start = performance.now();
    const result = await runner.runEpoch({ epoch: 2, epochs: 2, random, progressUpdates: 1 });
    const ms = (performance.now() - start) / stepsPerEpoch;
    if (result.aborted) throw new Error("unreachable: the timed epoch has no abort signal");
    const c = counter?.counts;
    return {
      arch: architecture.name,
      backend,
      engine: runner.engine,
      batch,
      steps: stepsPerEpoch,
      msPerStep: ms,
      imagesPerSecond: (batch * 1000) / ms,
      secondsPerEpoch: (60_000 / batch) * ms / 1000,
      ...(c ? { counters: perStep(c, stepsPerEpoch) } : {}),
    };
  } finally {
    counter?.restore();
    runner.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

/** Starts counting the active webgpu backend's calls (loaded only when asked for). */
async function startCounter(): Promise<GpuCounter> {
  const { countGpuCalls } = await import("../engine/webgpu/gpu_counters.ts");
  return countGpuCalls((tf.backend() as unknown as { device: GPUDevice }).device);
}

/** The first steps of an epoch compile and allocate: runs an epoch and stops it after `warmup`. */
async function warmUp(
  runner: EpochRunner,
  random: () => number,
  stepsPerEpoch: number,
  warmup: number,
): Promise<void> {
  const stop = new AbortController();
  await runner.runEpoch({
    epoch: 1,
    epochs: 2,
    random,
    progressUpdates: stepsPerEpoch,
    onProgress: (p) => p.step >= warmup && stop.abort(),
    signal: stop.signal,
  });
}

/** Counts over the timed epoch, per step. */
function perStep(c: GpuCounts, steps: number): StepCounters {
  return {
    dispatchesPerStep: c.dispatches / steps,
    submitsPerStep: c.submits / steps,
    writeBuffersPerStep: c.writeBuffers / steps,
    bindGroupsPerStep: c.bindGroups / steps,
    pipelinesAfterWarmup: c.pipelines,
    mapAsyncsPerStep: c.mapAsyncs / steps,
    encodeMsPerStep: c.encodeMs / steps,
    submitMsPerStep: c.submitMs / steps,
  };
}
