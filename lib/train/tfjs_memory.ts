/**
 * The tfjs path's batch bound, from the same plan as the compiled engines: its step needs
 * ~5× the plan's step buffers (measured, see `TFJS_STEP_FACTOR`) besides the training split
 * as float32, within tfjs' 4 GiB wasm heap; on WebGPU every tensor must fit the device's
 * largest storage binding.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { planTraining } from "../engine/plan.ts";
import {
  checkBatchMemory,
  planMemory,
  TFJS_MEMORY_LIMIT,
  TFJS_STEP_FACTOR,
} from "../engine/plan_memory.ts";
import type { EpochRunnerInput } from "../runner/epoch_runner.ts";

/** The bound of one backend: bytes needed at a batch size, the limit and its name. */
function bound(input: EpochRunnerInput, backend: string) {
  const plan = (batch: number) => planMemory(planTraining(input.arch, batch));
  if (backend === "webgpu") {
    const { limits } = (tf.backend() as unknown as { device: GPUDevice }).device;
    return {
      needAt: (batch: number) => plan(batch).largest.bytes,
      limit: Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize),
      limitName: "this GPU's largest storage buffer",
    };
  }
  const split = input.train.count * (784 + 1) * 4;
  return {
    needAt: (batch: number) => TFJS_STEP_FACTOR * plan(batch).stepBytes + split,
    limit: TFJS_MEMORY_LIMIT,
    limitName: "its heap limit",
  };
}

/**
 * Refuses a batch the tfjs path cannot hold, before anything is uploaded. Architectures
 * outside the plan's vocabulary are not checked.
 *
 * @param input The runner's input (architecture, batch size, training split).
 * @param backend The active tfjs backend. @default tf.getBackend()
 * @throws {MemoryLimitError} naming the need, the limit and the largest batch that fits.
 * @example
 * ```ts ignore
 * checkTfjsMemory({ arch: "cnn-basic", batchSize: 20000, model, optimizer, train });
 * ```
 */
export function checkTfjsMemory(input: EpochRunnerInput, backend = tf.getBackend()): void {
  try {
    planTraining(input.arch, 1);
  } catch {
    return;
  }
  checkBatchMemory({
    engine: `the tfjs path on ${backend}`,
    arch: input.arch.name,
    batchSize: Math.min(input.batchSize, input.train.count),
    ...bound(input, backend),
  });
}
