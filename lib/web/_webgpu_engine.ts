/**
 * The compiled WebGPU engine as the browser trainer uses it: a device of its own from
 * `navigator.gpu` (no tfjs), an executor whose pipelines are built with a progress report,
 * and class probabilities for evaluation and the canvas.
 *
 * Pipelines are built with `createComputePipelineAsync` (`createWebGpuExecutor`), so a page
 * stays responsive and can show a progress line; inference is the executor's forward-only
 * program (dropout passes everything), on the same buffers as training.
 *
 * @module
 */
import { BackendUnavailableError } from "../errors.ts";
import type { Architecture, OptimizerName } from "../models/architecture.ts";
import { planVerdict } from "../engine/plan_verdict.ts";
import type { VerdictCache } from "../engine/verdict_cache.ts";
import type { MnistSplit } from "../data/types.ts";
import type { OptimizerSpec, PackedTrainingState, TrainingPlan } from "../engine/plan.ts";
import type { Stepper } from "../engine/compiled_epoch.ts";
import { createWebGpuExecutor } from "../engine/webgpu/executor.ts";
import type { WebModel } from "./web_model.ts";

/** Pipelines built so far, for a progress line. */
export interface PipelineProgress {
  done: number;
  total: number;
}

/** A GPU device and its adapter (held: Deno aborts reading info of a collected adapter). */
export interface BrowserGpu {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** Vendor, architecture, device and description, as one line. */
  description: string;
}

/**
 * Requests an adapter and a device with the adapter's largest storage buffers.
 *
 * @throws {BackendUnavailableError} when there is no WebGPU or no adapter.
 */
export async function requestBrowserGpu(): Promise<BrowserGpu> {
  const gpu = typeof navigator !== "undefined" ? navigator.gpu : undefined;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) throw new BackendUnavailableError("WebGPU is not available in this browser");
  const info = adapter.info;
  const description = [info.vendor, info.architecture, info.device, info.description]
    .filter(Boolean).join(" ") || "unknown adapter";
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return { device, adapter, description };
}

/**
 * The device to train on (`gpu`, else one requested), after the self-check of the plan when
 * one is asked for.
 *
 * @param gpu A device to use.
 * @param check The verdict store and whether to check again.
 * @param plan The run's architecture, batch size and optimizer.
 * @param log Where the check's line goes.
 * @throws {BackendUnavailableError} when there is no WebGPU or the check fails here.
 */
export async function checkedGpu(
  gpu: BrowserGpu | undefined,
  check: { cache?: VerdictCache; recheck?: boolean } | undefined,
  plan: { arch: Architecture; batchSize: number; optimizer: OptimizerName },
  log: (line: string) => void,
): Promise<BrowserGpu> {
  const using = gpu ?? await requestBrowserGpu();
  if (!check) return using;
  const verdict = await planVerdict(using.device, { ...check, plan });
  if (!verdict.ok) {
    throw new BackendUnavailableError(`The compiled WebGPU engine is off here: ${verdict.reason}`);
  }
  const error = verdict.maxRelativeError?.toExponential(1) ?? "?";
  log(`Self-check: passed (worst relative error ${error}${verdict.cached ? ", cached" : ""})`);
  return using;
}

/** What the trainer needs of an engine. */
export interface TrainingEngine {
  readonly name: "webgpu" | "wasm";
  /** The adapter or CPU build, for the log. */
  readonly description: string;
  readonly plan: TrainingPlan;
  readonly stepper: Stepper;
  /** The current parameters, optimizer slots and non-trainable state, packed. */
  readState(): Promise<PackedTrainingState>;
  /** Class probabilities of `count` images under the current parameters. */
  infer(images: Uint8Array, count: number): Promise<Float32Array>;
  dispose(): void;
}

/** Everything {@linkcode openWebGpuEngine} builds an engine from. */
export interface WebGpuEngineInput {
  gpu: BrowserGpu;
  arch: Architecture;
  batchSize: number;
  optimizer: OptimizerSpec;
  train: MnistSplit;
  state: PackedTrainingState;
  onPipelines?: (p: PipelineProgress) => void;
}

/**
 * Builds the executor, uploads the state, and wraps it as a {@linkcode TrainingEngine}.
 *
 * @throws {MemoryLimitError} when a buffer is over the device's limits.
 * @throws {RangeError} for an architecture or optimizer outside the engine.
 */
export async function openWebGpuEngine(input: WebGpuEngineInput): Promise<TrainingEngine> {
  const { device } = input.gpu;
  const executor = await createWebGpuExecutor({
    device,
    arch: input.arch,
    batchSize: input.batchSize,
    optimizer: input.optimizer,
    train: input.train,
  }, { onProgress: (done, total) => input.onPipelines?.({ done, total }) });
  executor.writeState(input.state);
  const plan = executor.plan;
  return {
    name: "webgpu",
    description: input.gpu.description,
    plan,
    stepper: {
      count: input.train.count,
      batchSize: plan.batchSize,
      device,
      beginEpoch: (order, seed) => executor.beginEpoch(order, seed),
      step: (size, readback) => executor.step(size, readback),
      readSums: () => executor.readSums(),
    },
    readState: () => executor.readState(),
    infer: (images, count) => executor.infer(images, count),
    dispose: () => executor.dispose(),
  };
}

/** An inference program on the GPU, for a model the page loaded. */
export interface GpuInference {
  infer(images: Uint8Array, count: number): Promise<Float32Array>;
  dispose(): void;
}

/**
 * The engine's forward-only program for a loaded model, `batchSize` images a dispatch. The
 * executor it runs on also builds its (unused) training step: one batch of blank images and
 * plain SGD, the smallest it takes.
 *
 * @param model The model's architecture, parameters and moving statistics.
 * @param gpu The device.
 * @param batchSize Images per dispatch. @default 256
 * @returns The inference function and its disposer.
 */
export async function openWebGpuInference(
  model: Pick<WebModel, "architecture" | "params" | "state">,
  gpu: BrowserGpu,
  batchSize = 256,
): Promise<GpuInference> {
  const executor = await createWebGpuExecutor({
    device: gpu.device,
    arch: model.architecture,
    batchSize,
    optimizer: { kind: "sgd", learningRate: 0 },
    train: {
      images: new Uint8Array(batchSize * 784),
      labels: new Uint8Array(batchSize),
      count: batchSize,
    },
  });
  executor.writeState({ params: model.params, slots: [], accBeta: [1, 1], state: model.state });
  return {
    infer: (images, count) => executor.infer(images, count),
    dispose: () => executor.dispose(),
  };
}
