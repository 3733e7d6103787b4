/**
 * Evaluates a model on a labelled split and keeps every per-sample prediction.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { imagesToTensor, sliceSplit } from "../data/tensors.ts";
import { type MnistSplit, NUM_CLASSES } from "../data/types.ts";
import { type BackendRequest, ensureBackend } from "../backend/select_backend.ts";
import { sparseCrossEntropy } from "../models/loss.ts";
import { ModelFileError } from "../errors.ts";
import type { Evaluation } from "./types.ts";

/** Options for {@linkcode evaluateModel}. */
export interface EvaluateOptions {
  /** Samples per forward pass. @default 1000 */
  batchSize?: number;
  /**
   * Backend to make active first (throws `BackendUnavailableError` when it cannot start).
   * @default the active backend, or `auto` when none is active
   */
  backend?: BackendRequest;
}

/** Probabilities of a split and its summed loss, from {@linkcode predictProbabilities}. */
export interface SplitProbabilities {
  /** Class probabilities, `count × 10`, row-major. */
  probabilities: Float32Array;
  /** Sum over the samples of the training loss (the same function training minimises). */
  lossSum: number;
}

/**
 * Class probabilities `[n × 10]` for a split and the sum of the training loss over it,
 * computed in batches on the active backend and read back once.
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  split: MnistSplit,
  options: EvaluateOptions = {},
): Promise<SplitProbabilities> {
  const batchSize = options.batchSize ?? 1000;
  const parts: tf.Tensor[] = [];
  let lossSum: tf.Scalar = tf.scalar(0);
  for (let start = 0; start < split.count; start += batchSize) {
    const batch = sliceSplit(split, start, Math.min(split.count, start + batchSize));
    const [probabilities, nextSum] = tf.tidy(() => {
      const p = model.predict(imagesToTensor(batch)) as tf.Tensor2D;
      const labels = tf.tensor1d(Int32Array.from(batch.labels), "int32");
      return [p, tf.add(lossSum, tf.mul(sparseCrossEntropy(p, labels), batch.count))] as const;
    });
    lossSum.dispose();
    lossSum = nextSum as tf.Scalar;
    parts.push(probabilities);
  }
  const all = parts.length === 1 ? parts[0]! : tf.concat(parts);
  // Awaited together, both readbacks share one wait on a GPU.
  const [data, loss] = await Promise.all([all.data() as Promise<Float32Array>, lossSum.data()]);
  tf.dispose([...parts, all, lossSum]);
  return { probabilities: data, lossSum: loss[0]! };
}

/**
 * Turns probabilities, labels and the summed loss into an {@linkcode Evaluation}: the
 * predicted digit of each sample (the argmax), the accuracy and the mean loss.
 */
export function scorePredictions(
  probabilities: Float32Array,
  labels: Uint8Array,
  lossSum: number,
): Evaluation {
  const count = labels.length;
  const predictions = new Uint8Array(count);
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const row = probabilities.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES);
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (row[c]! > row[best]!) best = c;
    predictions[i] = best;
    if (best === labels[i]) correct++;
  }
  return {
    loss: count ? lossSum / count : NaN,
    accuracy: count ? correct / count : NaN,
    count,
    wrong: count - correct,
    labels,
    predictions,
    probabilities,
  };
}

/**
 * Evaluates `model` on `split`: loss, accuracy, wrong count and every per-sample prediction
 * and probability vector, in one pass.
 *
 * @example
 * ```ts ignore
 * import { evaluateModel, loadMnist, loadModel } from "jsr:@x/mnist-cnn";
 *
 * const { model } = await loadModel("models/cnn-deep");
 * const test = await evaluateModel(model, (await loadMnist()).test);
 * console.log(`${test.wrong} of ${test.count} wrong`); // e.g. "88 of 10000 wrong"
 * const firstWrong = test.predictions.findIndex((p, i) => p !== test.labels[i]);
 * ```
 */
export async function evaluateModel(
  model: tf.LayersModel,
  split: MnistSplit,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  await ensureBackend(options.backend);
  const { probabilities, lossSum } = await predictProbabilities(model, split, options);
  checkFiniteOutputs(probabilities);
  return scorePredictions(probabilities, split.labels, lossSum);
}

/**
 * Refuses model outputs that are not finite numbers: a model with corrupt weights gives NaN,
 * which is no prediction (it used to print "Predicted: -1 (NaN %)").
 *
 * @param probabilities The model's outputs, 10 per image.
 * @returns When every value is finite.
 * @throws {ModelFileError} naming the first image with a non-finite output.
 *
 * @example
 * ```ts
 * import { checkFiniteOutputs } from "./evaluate_model.ts";
 * import assert from "node:assert/strict";
 * checkFiniteOutputs(new Float32Array(10).fill(0.1));
 * assert.throws(() => checkFiniteOutputs(new Float32Array([NaN])), /not finite \(NaN\)/);
 * ```
 */
export function checkFiniteOutputs(probabilities: ArrayLike<number>): void {
  for (let i = 0; i < probabilities.length; i++) {
    if (!Number.isFinite(probabilities[i])) {
      throw new ModelFileError(
        `The model's output for image ${Math.floor(i / NUM_CLASSES)} is not finite ` +
          `(${probabilities[i]}): its weights are corrupt; retrain it`,
      );
    }
  }
}
