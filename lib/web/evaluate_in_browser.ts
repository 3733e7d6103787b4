/**
 * Test-set evaluation and single-image prediction through an inference function (an open
 * engine's `infer`, or {@linkcode modelInference} on the CPU): the same metrics as the Deno
 * `evaluate` task (Keras' clipped cross-entropy, argmax predictions) in the `Evaluation` shape
 * that `lib/report`'s misclassified grid and confusion matrix take; and a canvas or image
 * prediction through `preprocessDigit`, the preprocessing `predict --image` uses.
 *
 * @module
 */
import { type MnistSplit, NUM_CLASSES } from "../data/types.ts";
import type { Evaluation } from "../evaluate/types.ts";
import { LOSS_EPSILON } from "../engine/plan.ts";
import { preprocessDigit, type PreprocessedDigit } from "../image/preprocess_digit.ts";
import type { Raster } from "../image/raster.ts";
import { inferencePlan, referenceProbabilities } from "./_reference_infer.ts";
import type { WebModel } from "./web_model.ts";

/** Class probabilities (`count × 10`) of `count` images (`count × 784` bytes). */
export type Infer = (images: Uint8Array, count: number) => Promise<Float32Array>;

/**
 * Inference on the CPU with the float64 reference forward pass: works in any browser, for a
 * loaded model before (or without) a GPU.
 *
 * @param model The model.
 * @returns Its inference function.
 * @throws {RangeError} for a model with a batchNorm layer (the reference runs it in training
 *   mode only).
 */
export function modelInference(model: WebModel): Infer {
  const plan = inferencePlan(model.architecture);
  return (images, count) =>
    Promise.resolve(referenceProbabilities(plan, model.params, model.state, images, count));
}

/**
 * Evaluates a split in chunks.
 *
 * @param infer The inference function.
 * @param split The split (e.g. the 10,000 test images).
 * @param options Chunk size and a progress callback (images done).
 * @returns Loss, accuracy, wrong count, predictions and probabilities.
 */
export async function evaluateInBrowser(
  infer: Infer,
  split: MnistSplit,
  options: { chunk?: number; onProgress?: (done: number, of: number) => void } = {},
): Promise<Evaluation> {
  const { count } = split;
  const chunk = options.chunk ?? 1000;
  const probabilities = new Float32Array(count * NUM_CLASSES);
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const part = await infer(split.images.subarray(start * 784, (start + n) * 784), n);
    probabilities.set(part.subarray(0, n * NUM_CLASSES), start * NUM_CLASSES);
    options.onProgress?.(start + n, count);
  }
  const predictions = new Uint8Array(count);
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const row = probabilities.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES);
    const best = row.indexOf(Math.max(...row));
    predictions[i] = best;
    const label = split.labels[i]!;
    if (best === label) correct++;
    const p = Math.min(1 - LOSS_EPSILON, Math.max(LOSS_EPSILON, row[label]!));
    lossSum -= Math.log(p);
  }
  return {
    loss: lossSum / count,
    accuracy: correct / count,
    count,
    wrong: count - correct,
    labels: split.labels.slice(0, count),
    predictions,
    probabilities,
  };
}

/** A prediction of one drawn or uploaded digit. */
export interface DigitPrediction {
  /** The 10 class probabilities. */
  probabilities: number[];
  digit: number;
  confidence: number;
  /** The 28×28 sample the model saw, and how it was made from the input. */
  preprocessed: PreprocessedDigit;
}

/**
 * Predicts the digit in an image: a canvas' `ImageData` (RGBA) or any `Raster`.
 *
 * @param infer The inference function.
 * @param image The image, e.g. `ctx.getImageData(0, 0, w, h)`.
 * @returns Probabilities, digit, confidence and the preprocessed sample.
 * @throws {ImageFileError} when there is no digit (blank, no contrast).
 */
export async function predictDigit(
  infer: Infer,
  image: Raster | { width: number; height: number; data: Uint8ClampedArray | Uint8Array },
): Promise<DigitPrediction> {
  const raster: Raster = "channels" in image
    ? image
    : { width: image.width, height: image.height, channels: 4, data: new Uint8Array(image.data) };
  const preprocessed = preprocessDigit(raster, "drawing");
  const probabilities = [...(await infer(preprocessed.pixels, 1)).subarray(0, NUM_CLASSES)];
  const digit = probabilities.indexOf(Math.max(...probabilities));
  return { probabilities, digit, confidence: probabilities[digit]!, preprocessed };
}
