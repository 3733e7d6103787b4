/**
 * The compiled engine on WebGPU as an `EpochRunner`: packs the model's weights and the
 * optimizer's state into the executor's buffers when created, trains epochs there, and
 * writes both back into the tfjs model and optimizer on `sync()`.
 *
 * Loaded only by dynamic `import()` (from `lib/train/create_runner.ts`), so nothing WebGPU-specific
 * runs when the training loop is imported.
 *
 * @module
 */
import type { Architecture } from "../../models/architecture.ts";
import type { EpochRunner, EpochRunnerInput } from "../../runner/epoch_runner.ts";
import { runCompiledEpoch } from "../compiled_epoch.ts";
import { compiledOptimizerSpec, loadTrainingState, writeTrainingState } from "../tfjs_state.ts";
import { engineDevice } from "./engine_device.ts";
import { createWebGpuExecutor, type PipelineProgress } from "./executor.ts";
import type { Tuning } from "./_tiles.ts";

/** Options of {@linkcode createWebGpuEngineRunner}. */
export interface WebGpuRunnerOptions {
  /** The device to run on; default: tfjs' device on the `webgpu` backend, else the shared one. */
  device?: GPUDevice;
  /** The architecture to compile, when it is not the registered `input.arch` (tests). */
  architecture?: Architecture;
  /** Kernel shapes for a software adapter or a GPU. @default from the adapter */
  tuning?: Tuning;
  /** Told of each pipeline built while the runner is created (`done` of `total`). */
  onProgress?: PipelineProgress;
}

/**
 * Creates the WebGPU compiled-engine runner.
 *
 * @param input Model, optimizer, training split and batch size.
 * @param options Which device to use.
 * @returns A runner whose `engine` is `"compiled"`.
 * @throws {RangeError} when the architecture, optimizer or a buffer size is outside what
 *   the engine compiles (the message says which).
 * @example
 * ```ts ignore
 * const runner = await createWebGpuEngineRunner({ arch: "cnn-deep", model, optimizer, train, batchSize: 64 });
 * await runner.runEpoch({ epoch: 1, epochs: 1, random: mulberry32(1), progressUpdates: 4 });
 * await runner.sync();
 * ```
 */
export async function createWebGpuEngineRunner(
  input: EpochRunnerInput,
  options: WebGpuRunnerOptions = {},
): Promise<EpochRunner> {
  const spec = compiledOptimizerSpec(input.optimizer);
  const device = await engineDevice(options.device);
  const executor = await createWebGpuExecutor({
    device,
    arch: options.architecture ?? input.arch,
    batchSize: input.batchSize,
    optimizer: spec,
    train: input.train,
    tuning: options.tuning,
  }, { onProgress: options.onProgress });
  executor.writeState(await loadTrainingState(input.model, input.optimizer, spec, executor.plan));
  let pending = 0;
  const stepper = {
    count: input.train.count,
    batchSize: executor.plan.batchSize,
    device,
    beginEpoch: (order: Int32Array, seed: number) => executor.beginEpoch(order, seed),
    step: (size: number, readback: boolean) => executor.step(size, readback),
    readSums: () => executor.readSums(),
  };
  return {
    engine: "compiled",
    runEpoch: (args) => runCompiledEpoch(stepper, args, () => pending++),
    async sync() {
      const state = await executor.readState();
      writeTrainingState(input.model, input.optimizer, spec, executor.plan, state, pending);
      pending = 0;
    },
    dispose: () => executor.dispose(),
  };
}
