/**
 * The compiled WebGPU engine as the browser trainer uses it: a device of its own from
 * `navigator.gpu` (no tfjs), an executor whose pipelines are built with a progress report,
 * and class probabilities for evaluation and the canvas.
 *
 * This is the one module that knows the executor's construction and inference entry points;
 * it adapts to whichever the executor offers (the asynchronous factory and the forward-only
 * `infer` program, or the constructor and the reference forward pass).
 *
 * @module
 */
import { BackendUnavailableError } from "../errors.ts";
import type { Architecture } from "../models/architecture.ts";
import type { MnistSplit } from "../data/types.ts";
import type { OptimizerSpec, PackedTrainingState, TrainingPlan } from "../engine/plan.ts";
import type { Stepper } from "../engine/compiled_epoch.ts";
import { type ExecutorInput, WebGpuExecutor } from "../engine/webgpu/executor.ts";
import { referenceProbabilities } from "./_reference_infer.ts";

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

/** What the trainer needs of an engine. */
export interface TrainingEngine {
  readonly name: "webgpu" | "wasm";
  /** The adapter or CPU build, for the log. */
  readonly description: string;
  readonly plan: TrainingPlan;
  readonly stepper: Stepper;
  /** The current parameters (`paramCount`, packed). */
  readParams(): Promise<Float32Array<ArrayBuffer>>;
  /** Class probabilities of `count` images under the current parameters. */
  infer(images: Uint8Array, count: number): Promise<Float32Array>;
  dispose(): void;
}

/** The executor's optional entry points (see the module doc). */
type ExecutorFactory = {
  create?: (
    input: ExecutorInput,
    options: { onProgress?: (p: PipelineProgress) => void },
  ) => Promise<WebGpuExecutor>;
};
type Inferring = { infer?: (images: Uint8Array, count: number) => Promise<Float32Array> };

async function createExecutor(
  input: ExecutorInput,
  onProgress?: (p: PipelineProgress) => void,
): Promise<WebGpuExecutor> {
  const factory = (WebGpuExecutor as unknown as ExecutorFactory).create;
  if (factory) return await factory.call(WebGpuExecutor, input, { onProgress });
  onProgress?.({ done: 0, total: 1 });
  const executor = new WebGpuExecutor(input);
  onProgress?.({ done: 1, total: 1 });
  return executor;
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
  const executor = await createExecutor({
    device,
    arch: input.arch,
    batchSize: input.batchSize,
    optimizer: input.optimizer,
    train: input.train,
  }, input.onPipelines);
  executor.writeState(input.state);
  const plan = executor.plan;
  const readParams = () => executor.read("params", plan.paramCount * 4);
  const inferring = executor as unknown as Inferring;
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
    readParams,
    infer: async (images, count) =>
      inferring.infer
        ? await inferring.infer(images, count)
        : referenceProbabilities(plan, await readParams(), images, count),
    dispose: () => executor.dispose(),
  };
}
