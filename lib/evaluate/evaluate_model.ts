/**
 * Evaluates a model on a labelled split and keeps every per-sample prediction.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { imagesToTensor, sliceSplit } from "../data/tensors.ts";
import { type MnistSplit, NUM_CLASSES } from "../data/types.ts";
import { KERAS_EPSILON } from "../train/loss.ts";
import type { Evaluation } from "./types.ts";

/** Options for {@linkcode evaluateModel}. */
export interface EvaluateOptions {
  /** Samples per forward pass. @default 1000 */
  batchSize?: number;
}

/**
 * Class probabilities `[n × 10]` for a split, computed in batches on the active backend and
 * read back once.
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  split: MnistSplit,
  options: EvaluateOptions = {},
): Promise<Float32Array> {
  const batchSize = options.batchSize ?? 1000;
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < split.count; start += batchSize) {
    const batch = sliceSplit(split, start, Math.min(split.count, start + batchSize));
    parts.push(tf.tidy(() => {
      const x = imagesToTensor(batch);
      return model.predict(x) as tf.Tensor;
    }));
  }
  const all = parts.length === 1 ? parts[0]! : tf.concat(parts);
  const data = await all.data() as Float32Array;
  tf.dispose([...parts, all]);
  return data;
}

/** Turns probabilities and labels into an {@linkcode Evaluation} (loss as Keras computes it). */
export function scorePredictions(probabilities: Float32Array, labels: Uint8Array): Evaluation {
  const count = labels.length;
  const predictions = new Uint8Array(count);
  let correct = 0;
  let lossSum = 0;
  for (let i = 0; i < count; i++) {
    const row = probabilities.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES);
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (row[c]! > row[best]!) best = c;
    predictions[i] = best;
    if (best === labels[i]) correct++;
    const p = Math.min(Math.max(row[labels[i]!]!, KERAS_EPSILON), 1 - KERAS_EPSILON);
    lossSum -= Math.log(p);
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
  const probabilities = await predictProbabilities(model, split, options);
  return scorePredictions(probabilities, split.labels);
}
