/**
 * Creates the optimizer of a recipe with Keras' defaults (RMSprop ρ = 0.9, Adam β = 0.9 /
 * 0.999, ε = 1e-7). On WebGPU with the fast kernels it returns the fused variant, which
 * updates each variable in one dispatch instead of ~20 elementwise kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { OptimizerName } from "../models/architecture.ts";
import { createFusedOptimizer } from "../backend/webgpu/fused_optimizers.ts";

/** Options for {@linkcode createOptimizer}. */
export interface CreateOptimizerOptions {
  /** Use the fused WebGPU optimizer when the active backend is `webgpu`. @default true */
  fused?: boolean;
}

/** Creates an optimizer by name for the active backend. */
export function createOptimizer(
  name: OptimizerName,
  learningRate: number,
  options: CreateOptimizerOptions = {},
): tf.Optimizer {
  if ((options.fused ?? true) && tf.getBackend() === "webgpu" && name !== "sgd") {
    return createFusedOptimizer(name, learningRate);
  }
  switch (name) {
    case "adam":
      return tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
    case "rmsprop":
      return tf.train.rmsprop(learningRate, 0.9, 0, 1e-7);
    case "sgd":
      return tf.train.sgd(learningRate);
  }
}
