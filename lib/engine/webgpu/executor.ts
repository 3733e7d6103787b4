/**
 * The WebGPU executor of a training plan: persistent buffers, pipelines and bind groups made
 * once per batch size (the tail batch gets its own, with its shapes baked in), and a step
 * that is one compute pass of 11–29 dispatches and one submit — no `writeBuffer`, bind group
 * or pipeline per step. The batch is picked on the device from the epoch's permutation and
 * an on-device step counter; loss and correct counts accumulate on the device and are read
 * back only when asked. The same buffers run a forward-only inference program
 * ({@linkcode WebGpuExecutor.infer}).
 *
 * Created by {@linkcode createWebGpuExecutor}, which builds every pipeline with
 * `createComputePipelineAsync`, all at once. Importing this module touches no WebGPU global.
 *
 * @module
 */
import { planTraining } from "../plan.ts";
import { slotCount } from "./_kernels_update.ts";
import { stepKernels } from "./step_kernels.ts";
import type { Kernel } from "./_wgsl.ts";
import { checkLoopLimit } from "./_loop_limit.ts";
import { tuningOf } from "./_tiles.ts";
import { bufferSizes, createBuffers, type ExecutorInput } from "./_executor_buffers.ts";
import { compilePrograms, type Dispatch, type PipelineProgress } from "./_executor_program.ts";
import { WebGpuExecutor } from "./_executor_core.ts";

export { WebGpuExecutor };
export type { Dispatch, ExecutorInput, PipelineProgress };

/** Options of {@linkcode createWebGpuExecutor}. */
export interface ExecutorOptions {
  /** Told of each pipeline built (`done` of `total`), e.g. for a page's progress bar. */
  onProgress?: PipelineProgress;
}

/**
 * Allocates every buffer and builds the full-batch and tail-batch programs (their pipelines
 * in parallel, with `createComputePipelineAsync`).
 *
 * @param input Device, architecture, batch size, optimizer and training split.
 * @param options Progress of the pipeline builds.
 * @returns The executor, ready for `writeState` and `beginEpoch`.
 * @throws {MemoryLimitError} when a buffer exceeds the device's binding or buffer limit
 *   (checked for all before any is created).
 * @throws {RangeError} when the plan is outside the engine's vocabulary.
 * @throws {GpuError} when WebGPU refuses a pipeline.
 * @example
 * ```ts ignore
 * const executor = await createWebGpuExecutor(
 *   { device, arch: "cnn-deep", batchSize: 64, optimizer, train },
 *   { onProgress: (done, total) => console.log(`${done}/${total} pipelines`) },
 * );
 * executor.writeState(await loadTrainingState(model, tfOptimizer, optimizer, executor.plan));
 * executor.beginEpoch(order, seed);
 * executor.step(64, true);
 * const [lossSum, correct] = await executor.readSums();
 * ```
 */
export async function createWebGpuExecutor(
  input: ExecutorInput,
  options: ExecutorOptions = {},
): Promise<WebGpuExecutor> {
  const tuning = input.tuning ?? tuningOf(input.device);
  const plan = planTraining(input.arch, Math.min(input.batchSize, input.train.count));
  const tail = input.train.count % plan.batchSize;
  const sizes = tail > 0 ? [plan.batchSize, tail] : [plan.batchSize];
  const kernels = sizes.map((size): Kernel[] => {
    const p = size === plan.batchSize ? plan : planTraining(input.arch, size);
    const step = stepKernels(p, input.optimizer, tuning, plan.batchSize);
    // Checked against llvmpipe's loop budget on every adapter (see _loop_limit.ts).
    checkLoopLimit(step);
    return step;
  });
  const scratch = Math.max(...kernels.flat().map((k) => k.scratch ?? 0));
  const slots = slotCount(input.optimizer);
  const buffers = createBuffers(input, bufferSizes(input, plan, slots, scratch));
  const executor = new WebGpuExecutor(input, plan, tuning, buffers);
  const programs = await compilePrograms(
    input.device,
    kernels,
    (name) => executor.buffer(name),
    options.onProgress,
  ).catch((error) => {
    executor.dispose();
    throw error;
  });
  sizes.forEach((size, k) => executor.programs.set(size, programs[k]!));
  return executor;
}
