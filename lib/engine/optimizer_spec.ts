/**
 * Which optimizers the compiled engines replay: a tfjs optimizer's kind and hyperparameters as
 * the plan's {@linkcode OptimizerSpec}, or the reason it is outside the engines (centered
 * RMSprop, momentum, any other class). Read from the optimizer's fields, as tfjs keeps them.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { OptimizerSpec } from "./plan.ts";

/**
 * The optimizer's kind and hyperparameters, or a reason the engine cannot replay it.
 *
 * @param optimizer A tfjs optimizer (tfjs' own or the project's fused subclasses).
 * @returns The spec, or `{ reason }` for centered RMSprop or another optimizer class.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { optimizerSpecOf } from "./optimizer_spec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal((optimizerSpecOf(tf.train.sgd(0.1)) as { kind: string }).kind, "sgd");
 * ```
 */
export function optimizerSpecOf(optimizer: tf.Optimizer): OptimizerSpec | { reason: string } {
  // Not instanceof: tfjs' optimizer classes answer it by duck typing (an Adam is an
  // `instanceof RMSPropOptimizer`); the class name is exact and survives subclassing.
  const name = optimizer.getClassName();
  if (name === "RMSProp") {
    const o = optimizer as unknown as Record<string, number> & { centered?: boolean };
    if (o.centered) return { reason: "centered RMSprop is not compiled" };
    return {
      kind: "rmsprop",
      learningRate: o.learningRate!,
      decay: o.decay!,
      momentum: o.momentum!,
      epsilon: o.epsilon!,
    };
  }
  if (name === "Adam") {
    const o = optimizer as unknown as Record<string, number>;
    return {
      kind: "adam",
      learningRate: o.learningRate!,
      beta1: o.beta1!,
      beta2: o.beta2!,
      epsilon: o.epsilon!,
    };
  }
  if (name === "SGD") {
    return {
      kind: "sgd",
      learningRate: (optimizer as unknown as Record<string, number>).learningRate!,
    };
  }
  return { reason: `the ${name} optimizer is not compiled` };
}

/**
 * The optimizer's spec for an executor, or a `RangeError` saying why it cannot be compiled
 * (the check both compiled runners make before allocating anything).
 *
 * @throws {RangeError} for an optimizer outside the engine (e.g. momentum, centered RMSprop).
 */
export function compiledOptimizerSpec(optimizer: tf.Optimizer): OptimizerSpec {
  const spec = optimizerSpecOf(optimizer);
  if ("reason" in spec) {
    throw new RangeError(`The compiled engine cannot train with ${spec.reason}`);
  }
  return spec;
}
