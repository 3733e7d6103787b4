/**
 * Turns raw MNIST bytes into tensors: images as normalised float32 NHWC `[n, 28, 28, 1]`,
 * labels as integers (sparse) or one-hot, with an optional limit and validation split.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { gatherPackedImages, packImageBytes } from "../backend/webgpu/gather_images.ts";
import { IMAGE_PIXELS, IMAGE_SIZE, type MnistSplit, NUM_CLASSES } from "./types.ts";

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
 */
export function splitValidation(
  split: MnistSplit,
  fraction: number,
): { train: MnistSplit; validation: MnistSplit | undefined } {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new RangeError(`validation fraction must be in [0, 1), got ${fraction}`);
  }
  const held = Math.floor(split.count * fraction);
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

/** Training images uploaded once, from which each batch is gathered on the backend. */
export interface DeviceImages {
  /** Number of images. */
  readonly count: number;
  /** The images at `index` (int32 `[b]`) as float32 `[b, 28, 28, 1]` in 0–1. */
  gather(index: tf.Tensor1D): tf.Tensor4D;
  /** Frees the uploaded images. */
  dispose(): void;
}

/**
 * Uploads a split's images once for training. On `webgpu` they stay bytes (four to a word,
 * 47 MB for MNIST instead of 188 MB as float32, which exceeds a 128 MiB binding limit) and
 * are normalised in the gather; elsewhere they are one float32 tensor.
 *
 * @param split The training split.
 * @returns The images, ready to gather batches from.
 * @throws {GpuError} on webgpu when even the bytes exceed the device's binding limit.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import assert from "node:assert/strict";
 * import { imagesToDevice } from "./tensors.ts";
 *
 * await tf.setBackend("cpu");
 * const split = { images: new Uint8Array(2 * 784).fill(255), labels: new Uint8Array(2), count: 2 };
 * const images = imagesToDevice(split);
 * const batch = images.gather(tf.tensor1d([1], "int32"));
 * assert.deepEqual(batch.shape, [1, 28, 28, 1]);
 * assert.equal((await batch.data())[0], 1);
 * images.dispose();
 * ```
 */
export function imagesToDevice(split: MnistSplit): DeviceImages {
  if (tf.getBackend() === "webgpu") {
    const packed = packImageBytes(split.images);
    return {
      count: split.count,
      gather: (index) => gatherPackedImages(packed, index),
      dispose: () => packed.dispose(),
    };
  }
  const images = imagesToTensor(split);
  return {
    count: split.count,
    gather: (index) => tf.gather(images, index),
    dispose: () => images.dispose(),
  };
}
