/**
 * The tfjs engine: runs each epoch with `fitEpoch` (one tfjs kernel per op, on any backend),
 * over the training split uploaded once as tensors. The weights live in the model's own
 * variables, so `sync` has nothing to do.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { imagesToTensor, labelsToTensor } from "../data/tensors.ts";
import type { EpochRunner, EpochRunnerInput } from "./epoch_runner.ts";
import { fitEpoch } from "./fit_epoch.ts";

/** Creates the tfjs-path runner: uploads the training split once, then `fitEpoch` per epoch. */
export function createTfjsRunner(input: EpochRunnerInput): EpochRunner {
  const images = imagesToTensor(input.train);
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
    dispose: () => tf.dispose([images, labels]),
  };
}
