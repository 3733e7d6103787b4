/**
 * The tfjs engine: runs each epoch with `fitEpoch` (one tfjs kernel per op, on any backend),
 * over the training split uploaded once as tensors. The weights live in the model's own
 * variables, so `sync` has nothing to do.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { labelsToTensor } from "../data/tensors.ts";
import { imagesToDevice } from "./device_images.ts";
import type { EpochRunner, EpochRunnerInput } from "../runner/epoch_runner.ts";
import { fitEpoch } from "./fit_epoch.ts";
import { checkTfjsMemory } from "./tfjs_memory.ts";

/**
 * Creates the tfjs-path runner: uploads the training split once, then `fitEpoch` per epoch.
 *
 * @param input The model, optimizer, training split and batch size.
 * @returns The runner (its `runEpoch` throws `GpuError` on any WebGPU error).
 * @throws {GpuError} on webgpu when the images exceed the device's binding limit even as bytes.
 * @throws {MemoryLimitError} when the batch does not fit (checked before any upload).
 */
export function createTfjsRunner(input: EpochRunnerInput): EpochRunner {
  checkTfjsMemory(input);
  // On webgpu the images stay bytes on the device (see imagesToDevice: full MNIST as
  // float32 exceeds a 128 MiB binding limit).
  const images = imagesToDevice(input.train);
  const labels = labelsToTensor(input.train) as tf.Tensor1D;
  return {
    engine: "tfjs",
    runEpoch: (args) =>
      fitEpoch({
        ...args,
        model: input.model,
        optimizer: input.optimizer,
        images,
        labels,
        batchSize: input.batchSize,
      }),
    sync: () => Promise.resolve(),
    dispose: () => {
      images.dispose();
      labels.dispose();
    },
  };
}
