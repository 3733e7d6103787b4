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

/** A layer of an architecture, as data. Shapes are inferred from the 28×28×1 input. */
export type LayerSpec =
  | { type: "conv2d"; filters: number; kernelSize: number; padding?: "same" | "valid" }
  | { type: "maxPool"; poolSize: number }
  | { type: "dropout"; rate: number }
  | { type: "flatten" }
  | { type: "dense"; units: number; activation: "relu" | "softmax" };

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

/** One of the classic Keras MNIST models, as data. */
export interface Architecture {
  /** Registry name, e.g. `cnn-deep`. */
  name: string;
  /** One-line description. */
  description: string;
  /** The seed notebooks it reproduces, e.g. `["000", "004"]`. */
  seeds: string[];
  /** Layers after the 28×28×1 input; convs and hidden denses use ReLU. */
  layers: LayerSpec[];
  /** The seed's training recipe (the defaults of `trainCnn`). */
  recipe: Recipe;
  /** Test accuracy (0–1) the seed notebook reported, one per seed. */
  seedAccuracy: number[];
  /** Trainable parameter count, equal to the seed's Keras summary. */
  expectedParams: number;
}
