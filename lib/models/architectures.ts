/**
 * The registry of the four seed architectures. To add one, add an entry here: the builder,
 * summary, compare-models, the README table and the parameter-count test all read this list.
 *
 * @module
 */
import type { SeedArchitecture } from "./architecture.ts";

const KERAS_LR = 0.001;

/**
 * The four classic Keras MNIST models, keyed by name.
 *
 * @example Read an architecture's seed recipe
 * ```ts
 * import { ARCHITECTURES } from "./architectures.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ARCHITECTURES["cnn-deep"]!.recipe.batchSize, 64);
 * assert.deepEqual(ARCHITECTURES["cnn-deep"]!.seeds, ["000", "004"]);
 * ```
 */
export const ARCHITECTURES: Readonly<Record<string, SeedArchitecture>> = Object.freeze({
  "mlp": {
    name: "mlp",
    description: "Dense baseline: flatten, 128 ReLU units, dropout, softmax",
    seeds: ["003"],
    layers: [
      { type: "flatten" },
      { type: "dense", units: 128, activation: "relu" },
      { type: "dropout", rate: 0.2 },
      { type: "dense", units: 10, activation: "softmax" },
    ],
    recipe: { optimizer: "adam", learningRate: KERAS_LR, batchSize: 32, epochs: 5 },
    seedAccuracy: [0.9775],
    expectedParams: 101_770,
  },
  "cnn-basic": {
    name: "cnn-basic",
    description: "One 3×3 conv (same padding), max-pool, dropout, softmax",
    seeds: ["001"],
    layers: [
      { type: "conv2d", filters: 32, kernelSize: 3, padding: "same" },
      { type: "maxPool", poolSize: 2 },
      { type: "dropout", rate: 0.25 },
      { type: "flatten" },
      { type: "dense", units: 10, activation: "softmax" },
    ],
    recipe: { optimizer: "rmsprop", learningRate: KERAS_LR, batchSize: 100, epochs: 3 },
    seedAccuracy: [0.9833],
    expectedParams: 63_050,
  },
  "cnn-wide": {
    name: "cnn-wide",
    description: "One 5×5 conv, max-pool, 128 ReLU units, softmax",
    seeds: ["002"],
    layers: [
      { type: "conv2d", filters: 32, kernelSize: 5 },
      { type: "maxPool", poolSize: 2 },
      { type: "flatten" },
      { type: "dense", units: 128, activation: "relu" },
      { type: "dense", units: 10, activation: "softmax" },
    ],
    recipe: { optimizer: "adam", learningRate: KERAS_LR, batchSize: 128, epochs: 10 },
    seedAccuracy: [0.9897],
    expectedParams: 592_074,
  },
  "cnn-deep": {
    name: "cnn-deep",
    description: "Three 3×3 convs (32, 64, 64) with two max-pools, 64 ReLU units, softmax",
    seeds: ["000", "004"],
    layers: [
      { type: "conv2d", filters: 32, kernelSize: 3 },
      { type: "maxPool", poolSize: 2 },
      { type: "conv2d", filters: 64, kernelSize: 3 },
      { type: "maxPool", poolSize: 2 },
      { type: "conv2d", filters: 64, kernelSize: 3 },
      { type: "flatten" },
      { type: "dense", units: 64, activation: "relu" },
      { type: "dense", units: 10, activation: "softmax" },
    ],
    recipe: { optimizer: "rmsprop", learningRate: KERAS_LR, batchSize: 64, epochs: 5 },
    seedAccuracy: [0.9914, 0.9916],
    expectedParams: 93_322,
  },
});

/** The architecture names, in registry order. */
export const ARCHITECTURE_NAMES: readonly string[] = Object.freeze(Object.keys(ARCHITECTURES));

/**
 * Looks an architecture up by name.
 *
 * @throws {RangeError} naming the unknown architecture and the known ones.
 *
 * @example
 * ```ts
 * import { getArchitecture } from "./architectures.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(getArchitecture("mlp").expectedParams, 101_770);
 * assert.throws(() => getArchitecture("resnet"), RangeError);
 * ```
 */
export function getArchitecture(name: string): SeedArchitecture {
  const arch = ARCHITECTURES[name];
  if (!arch) {
    throw new RangeError(
      `Unknown architecture "${name}": expected one of ${ARCHITECTURE_NAMES.join(", ")}`,
    );
  }
  return arch;
}
