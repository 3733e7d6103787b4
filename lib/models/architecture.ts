/**
 * The data that describes one architecture: its layers, the seed notebook's recipe and the
 * numbers the seed reported. Every architecture is declared once, in `architectures.ts`; the
 * builder, the summary, the compare table, the README table and the tests read it.
 *
 * @module
 */

/**
 * Keras' `epsilon()`: the loss clips the softmax output to [ε, 1 − ε] before the log, so it
 * stays finite. Every implementation of the loss (tfjs tensors, the compiled engines) reads it
 * from here.
 */
export const KERAS_EPSILON = 1e-7;

/** Activations a layer may apply (softmax only on the last layer). */
export type Activation = "linear" | "relu" | "tanh" | "sigmoid" | "elu" | "softmax";

/** The activations in the order the error messages list them. */
export const ACTIVATIONS: readonly Activation[] = [
  "linear",
  "relu",
  "tanh",
  "sigmoid",
  "elu",
  "softmax",
];

/** A square size (`3`) or `[rows, columns]` (`[3, 5]`), as Keras' `kernel_size` and `strides`. */
export type Size2 = number | readonly [number, number];

/** Keras' padding: `valid` (none) or `same` (output = ⌈input / stride⌉). */
export type Padding = "same" | "valid";

/** Keras' BatchNormalization defaults (`momentum`, `epsilon`). */
export const KERAS_BATCH_NORM = Object.freeze({ momentum: 0.99, epsilon: 0.001 });

/**
 * A layer of an architecture, as data. Shapes are inferred from the 28×28×1 input.
 * Optional fields default as Keras does, except a conv's activation, which defaults to ReLU
 * (what every seed uses): conv strides 1, pool strides = pool size, padding `valid`, a bias,
 * BatchNormalization's {@linkcode KERAS_BATCH_NORM}.
 */
export type LayerSpec =
  | {
    type: "conv2d";
    filters: number;
    kernelSize: Size2;
    strides?: Size2;
    padding?: Padding;
    useBias?: boolean;
    activation?: Activation;
  }
  | { type: "maxPool"; poolSize: Size2; strides?: Size2; padding?: Padding }
  | { type: "avgPool"; poolSize: Size2; strides?: Size2; padding?: Padding }
  | { type: "dropout"; rate: number }
  | { type: "flatten" }
  | { type: "dense"; units: number; activation: Activation; useBias?: boolean }
  | { type: "activation"; activation: Activation }
  | { type: "batchNorm"; momentum?: number; epsilon?: number };

/** The layer kinds, as `LayerSpec.type` spells them. */
export type LayerType = LayerSpec["type"];

/** `[rows, columns]` of a {@linkcode Size2}. */
export function pair(size: Size2): [number, number] {
  return typeof size === "number" ? [size, size] : [size[0], size[1]];
}

/** Optimizers the seeds use (Keras defaults: learning rate 0.001). */
export type OptimizerName = "adam" | "rmsprop" | "sgd";

/** A training recipe: what the seed notebook trained its model with. */
export interface Recipe {
  /** Optimizer name. */
  optimizer: OptimizerName;
  /** Learning rate (Keras default 0.001 for adam and rmsprop). */
  learningRate: number;
  /** Mini-batch size. */
  batchSize: number;
  /** Number of epochs. */
  epochs: number;
}

/**
 * An architecture as data: a seed from the registry, a user's own (parsed from a Keras or
 * tfjs model file by `parseArchitecture`), or one written in code.
 */
export interface Architecture {
  /** Name, e.g. `cnn-deep`; also the default model folder (`models/<name>`). */
  name: string;
  /** One-line description. */
  description: string;
  /** The seed notebooks it reproduces, e.g. `["000", "004"]` (none for a user's own). */
  seeds: string[];
  /** Layers after the 28×28×1 input. */
  layers: LayerSpec[];
  /**
   * The seed's training recipe (the defaults of `trainCnn`); a user's own architecture has
   * none and trains with `defaultRecipe()` unless options say otherwise.
   */
  recipe?: Recipe;
  /** Test accuracy (0–1) the seed notebook reported, one per seed (none for a user's own). */
  seedAccuracy: number[];
  /** Parameter count (all of them, as `model.countParams()`); a seed's equals its Keras summary. */
  expectedParams: number;
}

/** One of the classic Keras MNIST models of the registry: an architecture with its recipe. */
export interface SeedArchitecture extends Architecture {
  /** The seed notebook's training recipe. */
  recipe: Recipe;
}

/**
 * A short hash of an architecture's layers (FNV-1a over their JSON, 8 hex digits), so two
 * architectures that share a name never share a cache entry.
 *
 * @param arch The architecture.
 * @returns 8 hex digits.
 * @example
 * ```ts
 * import { layersHash } from "./architecture.ts";
 * import assert from "node:assert/strict";
 *
 * const a = { layers: [{ type: "flatten" as const }] };
 * assert.match(layersHash(a), /^[0-9a-f]{8}$/);
 * assert.notEqual(layersHash(a), layersHash({ layers: [] }));
 * ```
 */
export function layersHash(arch: Pick<Architecture, "layers">): string {
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(arch.layers)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
