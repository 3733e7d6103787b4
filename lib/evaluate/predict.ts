/**
 * Class probabilities for single images.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, NUM_CLASSES } from "../data/types.ts";
import { type BackendRequest, ensureBackend } from "../backend/select_backend.ts";
import { checkFiniteOutputs, predictProbabilities } from "./evaluate_model.ts";

/** Options for {@linkcode predict}. */
export interface PredictOptions {
  /**
   * Backend to make active first (throws `BackendUnavailableError` when it cannot start).
   * @default the active backend, or `auto` when none is active
   */
  backend?: BackendRequest;
}

/** The prediction for one image. */
export interface Prediction {
  /** The 10 class probabilities. */
  probabilities: number[];
  /** The most likely digit. */
  digit: number;
  /** Its probability. */
  confidence: number;
}

/**
 * Predicts the digit in one or more 28×28 images given as raw bytes (0 = background,
 * 255 = ink; `n × 784` values).
 *
 * @throws {RangeError} when `pixels` is not a whole number of 28×28 images.
 * @throws {ModelFileError} when the model's outputs are not finite (corrupt weights): that
 * is not a prediction.
 *
 * @example
 * ```ts
 * import { predict } from "./predict.ts";
 * import { buildModel } from "../models/build_model.ts";
 * import assert from "node:assert/strict";
 *
 * const [p] = await predict(buildModel("mlp", { seed: 1 }), new Uint8Array(784));
 * assert.equal(p!.probabilities.length, 10);
 * assert.ok(p!.digit >= 0 && p!.digit <= 9);
 * ```
 */
export async function predict(
  model: tf.LayersModel,
  pixels: Uint8Array,
  options: PredictOptions = {},
): Promise<Prediction[]> {
  if (pixels.length === 0 || pixels.length % IMAGE_PIXELS !== 0) {
    throw new RangeError(
      `predict() needs n × ${IMAGE_PIXELS} pixels (28×28 images), got ${pixels.length}`,
    );
  }
  await ensureBackend(options.backend);
  const count = pixels.length / IMAGE_PIXELS;
  const { probabilities: probs } = await predictProbabilities(model, {
    images: pixels,
    labels: new Uint8Array(count),
    count,
  });
  checkFiniteOutputs(probs);
  return Array.from({ length: count }, (_, i) => {
    const probabilities = Array.from(probs.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES));
    const confidence = Math.max(...probabilities);
    return { probabilities, digit: probabilities.indexOf(confidence), confidence };
  });
}
