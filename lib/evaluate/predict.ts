/**
 * Class probabilities for single images.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, NUM_CLASSES } from "../data/types.ts";
import { type BackendRequest, ensureBackend } from "../backend/select_backend.ts";
import { predictProbabilities } from "./evaluate_model.ts";
import { ModelFileError } from "../errors.ts";

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
 * import { checkFiniteOutputs } from "./predict.ts";
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
