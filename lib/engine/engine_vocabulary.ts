/**
 * What the compiled engines (WebGPU and wasm) implement, checked field by field, so a layer
 * or option outside it is refused with one line naming the field, never trained as something
 * else: a dense layer with `tanh` once passed and both engines trained it as linear.
 * `planTraining` calls this for every layer; `auto` then falls back to the tfjs path.
 *
 * @module
 */
import type { Activation, LayerSpec, LayerType } from "../models/architecture.ts";

const show = (v: unknown) => JSON.stringify(v);

/** An activation the engines apply inside a conv2d, a dense or an activation layer. */
export type EngineActivation = Exclude<Activation, "softmax">;

/** The activations both engines implement (softmax only as the last dense layer's). */
export const ENGINE_ACTIVATIONS: readonly EngineActivation[] = Object.freeze([
  "linear",
  "relu",
  "tanh",
  "sigmoid",
  "elu",
]);

/**
 * Layer kinds the plan and the float64 reference have but the engines do not train yet:
 * `planTraining` plans them, {@linkcode unsupportedField} (hence `engineSupports`, so `auto`
 * keeps the tfjs path) refuses them. None now: batchNorm was one until both engines had it.
 */
export const PENDING_KINDS: readonly LayerType[] = Object.freeze([]);

const isEngineActivation = (a: unknown): a is EngineActivation =>
  ENGINE_ACTIVATIONS.includes(a as EngineActivation);
const HAS = `the engine has ${ENGINE_ACTIVATIONS.join(", ")}`;

/**
 * Why a compiled engine cannot run this layer, naming the field, or undefined when it can.
 *
 * @param layer A layer of a (validated) architecture.
 * @returns E.g. `"activation" is "softmax" (the engine has …)`.
 *
 * @example
 * ```ts
 * import { unsupportedField } from "./engine_vocabulary.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unsupportedField({ type: "dense", units: 10, activation: "softmax" }), undefined);
 * assert.equal(unsupportedField({ type: "dense", units: 8, activation: "tanh" }), undefined);
 * assert.equal(unsupportedField({ type: "conv2d", filters: 8, kernelSize: 3, strides: 2 }), undefined);
 * assert.equal(unsupportedField({ type: "dense", units: 8, activation: "tanh", useBias: false }), undefined);
 * assert.match(unsupportedField({ type: "activation", activation: "softmax" })!, /"activation"/);
 * ```
 */
export function unsupportedField(layer: LayerSpec): string | undefined {
  if (PENDING_KINDS.includes(layer.type)) {
    return `"type" is ${show(layer.type)} (planned, but the compiled engines do not train it yet)`;
  }
  switch (layer.type) {
    case "conv2d":
      // Any kernel rows × columns, strides and padding, with or without a bias (plan.ts).
      if (!isEngineActivation(layer.activation ?? "relu")) {
        return `"activation" is ${show(layer.activation)} (${HAS})`;
      }
      return undefined;
    case "maxPool":
    case "avgPool":
      // Any window, strides and padding (lib/engine/_plan_pool.ts).
      return undefined;
    case "dense":
      // With or without a bias (a bias-free dense reads zeros, as a conv: plan.ts).
      if (!isEngineActivation(layer.activation) && layer.activation !== "softmax") {
        return `"activation" is ${show(layer.activation)} (${HAS}, softmax)`;
      }
      return undefined;
    case "activation":
      return isEngineActivation(layer.activation)
        ? undefined
        : `"activation" is ${show(layer.activation)} (${HAS}; softmax only in the last dense)`;
    case "dropout":
    case "flatten":
      return undefined;
    case "batchNorm":
      return undefined;
    default:
      return `"type" is ${
        show((layer as { type: unknown }).type)
      } (the engine has conv2d, maxPool, avgPool, dropout, flatten, dense, activation)`;
  }
}
