/**
 * Creates the optimizer of a recipe with Keras' defaults (RMSprop ρ = 0.9, Adam β = 0.9 /
 * 0.999, ε = 1e-7): tfjs' own, on every backend. The compiled engines replay its update from
 * its hyperparameters (`lib/engine/tfjs_state.ts`); the tfjs path runs it as tfjs does.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { OptimizerName } from "../models/architecture.ts";

/**
 * Creates an optimizer by name.
 *
 * @param name `adam`, `rmsprop` or `sgd`.
 * @param learningRate The step size.
 * @returns The tfjs optimizer.
 * @example
 * ```ts
 * import { createOptimizer } from "./optimizer.ts";
 * import assert from "node:assert/strict";
 * assert.equal(createOptimizer("rmsprop", 0.001).getClassName(), "RMSProp");
 * ```
 */
export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case "adam":
      return tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
    case "rmsprop":
      return tf.train.rmsprop(learningRate, 0.9, 0, 1e-7);
    case "sgd":
      return tf.train.sgd(learningRate);
  }
}
