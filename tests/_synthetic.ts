/**
 * Tiny synthetic MNIST-shaped data for tests: each class is a bright vertical bar at its
 * own column band plus noise, so every architecture can learn it in a few steps.
 */
import * as tf from "@tensorflow/tfjs";
import type { MnistData, MnistSplit } from "../lib/data/types.ts";
import { mulberry32 } from "../lib/random.ts";

/** A split of `count` synthetic digits, labels cycling 0–9. */
export function syntheticSplit(count: number, seed = 1): MnistSplit {
  const random = mulberry32(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[i] = label;
    for (let row = 0; row < 28; row++) {
      for (let col = 0; col < 28; col++) {
        const bar = col >= 2 + label * 2.4 && col < 4.4 + label * 2.4;
        images[i * 784 + row * 28 + col] = bar
          ? 200 + Math.floor(random() * 55)
          : Math.floor(random() * 40);
      }
    }
  }
  return { images, labels, count };
}

/** Synthetic train/test data shaped like `loadMnist()`'s result. */
export function syntheticMnist(train = 128, test = 40): MnistData {
  return {
    train: syntheticSplit(train, 1),
    test: syntheticSplit(test, 2),
    source: "synthetic",
    sha256: {},
  };
}

/** Activates the plain `cpu` backend without its Node.js banner. */
export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
}
