/**
 * Sparse categorical cross-entropy on softmax outputs, computed as Keras does (probabilities
 * clipped to [1e-7, 1 − 1e-7] before the log), plus the count of correct predictions.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { NUM_CLASSES } from "../data/types.ts";
import { KERAS_EPSILON } from "./architecture.ts";

export { KERAS_EPSILON };

/** The clip bounds as scalar tensors, made once by a training loop (see `clip`). */
export interface ClipBounds {
  low: tf.Scalar;
  high: tf.Scalar;
}

/**
 * Mean sparse categorical cross-entropy of `probabilities` `[n, 10]` against integer
 * `labels` `[n]`, as a scalar tensor. `clip` passes the bounds as tensors a training loop
 * made once: numbers become new tensors on every call, each an upload on a GPU.
 */
export function sparseCrossEntropy(
  probabilities: tf.Tensor2D,
  labels: tf.Tensor1D,
  clip?: ClipBounds,
): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, NUM_CLASSES).toFloat();
    // Not clipByValue: wasm's clamp turns NaN into the lower bound, which would hide a
    // diverged model behind a finite loss; maximum/minimum propagate NaN on every backend.
    const clipped = tf.minimum(
      tf.maximum(probabilities, clip?.low ?? KERAS_EPSILON),
      clip?.high ?? 1 - KERAS_EPSILON,
    );
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.log(clipped)), 1))) as tf.Scalar;
  });
}

/** Number of rows whose argmax equals the label, as a float32 scalar tensor. */
export function countCorrect(probabilities: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() =>
    tf.sum(tf.equal(tf.argMax(probabilities, 1), labels.toInt()).toFloat()) as tf.Scalar
  );
}
