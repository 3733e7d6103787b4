/**
 * MNIST-shaped synthetic data for `--quick` runs, which must not depend on the real files:
 * class k is a bright vertical band at column 2 + 2.5k, plus noise.
 *
 * @module
 */
import type { MnistData, MnistSplit } from "../data/types.ts";
import { mulberry32 } from "../random.ts";

function split(count: number, seed: number): MnistSplit {
  const random = mulberry32(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = (i * 7 + seed) % 10;
    labels[i] = label;
    const from = 2 + Math.round(label * 2.5);
    for (let p = 0; p < 784; p++) {
      const col = p % 28;
      const band = col >= from && col < from + 2;
      images[i * 784 + p] = band ? 180 + Math.floor(random() * 75) : Math.floor(random() * 50);
    }
  }
  return { images, labels, count };
}

/** Synthetic train and test splits. */
export function syntheticMnist(train: number, test: number): MnistData {
  return { train: split(train, 1), test: split(test, 2), source: "synthetic", sha256: {} };
}
