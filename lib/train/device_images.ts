/**
 * Where the training images live during a run: uploaded once, gathered into batches on the
 * backend. On `webgpu` they stay bytes (four to a word) and are normalised in the gather.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { gatherPackedImages, packImageBytes } from "../backend/webgpu/gather_images.ts";
import { imagesToTensor } from "../data/tensors.ts";
import type { MnistSplit } from "../data/types.ts";

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
 * import { imagesToDevice } from "./device_images.ts";
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
