/**
 * Turns raw MNIST bytes into tensors: images as normalised float32 NHWC `[n, 28, 28, 1]`,
 * labels as integers (sparse) or one-hot, with an optional limit and validation split.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, IMAGE_SIZE, type MnistSplit, NUM_CLASSES } from "./types.ts";
import { UsageError } from "../errors.ts";

/**
 * Returns the first `limit` samples of a split (the whole split when `limit` is absent or
 * larger than it). No copy is made: the result views the same bytes.
 *
 * @throws {RangeError} when `limit` is not a positive integer.
 */
export function limitSplit(split: MnistSplit, limit?: number): MnistSplit {
  if (limit === undefined || limit >= split.count) return split;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  return sliceSplit(split, 0, limit);
}

/** Returns samples `[start, end)` of a split, viewing the same bytes. */
export function sliceSplit(split: MnistSplit, start: number, end: number): MnistSplit {
  return {
    images: split.images.subarray(start * IMAGE_PIXELS, end * IMAGE_PIXELS),
    labels: split.labels.subarray(start, end),
    count: end - start,
  };
}

/**
 * Holds out the last `fraction` of a split for validation, as Keras' `validation_split`
 * does (no shuffling first, so the split is the same on every run).
 *
 * @throws {RangeError} when `fraction` is not in `[0, 1)`.
 * @throws {UsageError} when a positive `fraction` of the split is less than one sample (a
 * run that asked for validation must not silently have none).
 */
export function splitValidation(
  split: MnistSplit,
  fraction: number,
): { train: MnistSplit; validation: MnistSplit | undefined } {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new RangeError(`validation fraction must be in [0, 1), got ${fraction}`);
  }
  const held = Math.floor(split.count * fraction);
  if (held === 0 && fraction > 0) {
    const samples = `${split.count} training sample${split.count === 1 ? "" : "s"}`;
    throw new UsageError(
      `--validation ${fraction} of ${samples} holds out none; train on more samples ` +
        `(--limit) or hold out a larger fraction`,
    );
  }
  if (held === 0) return { train: split, validation: undefined };
  const cut = split.count - held;
  return { train: sliceSplit(split, 0, cut), validation: sliceSplit(split, cut, split.count) };
}

/** Images of a split as float32 `[n, 28, 28, 1]` scaled to 0–1. */
export function imagesToTensor(split: MnistSplit): tf.Tensor4D {
  const pixels = new Float32Array(split.count * IMAGE_PIXELS);
  for (let i = 0; i < pixels.length; i++) pixels[i] = split.images[i]! / 255;
  return tf.tensor4d(pixels, [split.count, IMAGE_SIZE, IMAGE_SIZE, 1]);
}

/** Labels of a split as int32 `[n]` (sparse) or float32 one-hot `[n, 10]`. */
export function labelsToTensor(
  split: MnistSplit,
  encoding: "sparse" | "onehot" = "sparse",
): tf.Tensor {
  const sparse = tf.tensor1d(Int32Array.from(split.labels), "int32");
  if (encoding === "sparse") return sparse;
  const oneHot = tf.oneHot(sparse, NUM_CLASSES).toFloat();
  sparse.dispose();
  return oneHot;
}
