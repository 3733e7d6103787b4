/**
 * What the compiled engines (WebGPU and wasm) implement, checked field by field, so a layer
 * or option outside it is refused with one line naming the field, never trained as something
 * else: a dense layer with `tanh` once passed and both engines trained it as linear.
 * `planTraining` calls this for every layer; `auto` then falls back to the tfjs path.
 *
 * @module
 */
import type { LayerSpec } from "../models/architecture.ts";

const show = (v: unknown) => JSON.stringify(v);

/**
 * Why a compiled engine cannot run this layer, naming the field, or undefined when it can.
 *
 * @param layer A layer of a (validated) architecture.
 * @returns E.g. `"activation" is "tanh" (the engine has relu)`.
 *
 * @example
 * ```ts
 * import { unsupportedField } from "./engine_vocabulary.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unsupportedField({ type: "dense", units: 10, activation: "softmax" }), undefined);
 * assert.match(unsupportedField({ type: "dense", units: 8, activation: "tanh" })!, /"activation"/);
 * ```
 */
export function unsupportedField(layer: LayerSpec): string | undefined {
  switch (layer.type) {
    case "conv2d": {
      const k = layer.kernelSize;
      if (typeof k !== "number") {
        return `"kernelSize" is ${show(k)} (the engine has square kernels)`;
      }
      if ((layer.activation ?? "relu") !== "relu") {
        return `"activation" is ${show(layer.activation)} (the engine has relu)`;
      }
      if (layer.strides !== undefined && layer.strides !== 1 && show(layer.strides) !== "[1,1]") {
        return `"strides" is ${show(layer.strides)} (the engine has 1)`;
      }
      if (layer.useBias === false) return `"useBias" is false (the engine has a bias)`;
      return undefined;
    }
    case "maxPool": {
      if (layer.poolSize !== 2) return `"poolSize" is ${show(layer.poolSize)} (the engine has 2)`;
      const strides = layer.strides;
      if (strides !== undefined && strides !== 2 && show(strides) !== "[2,2]") {
        return `"strides" is ${show(strides)} (the engine has the pool size)`;
      }
      if ((layer.padding ?? "valid") !== "valid") {
        return `"padding" is ${show(layer.padding)} (the engine has valid)`;
      }
      return undefined;
    }
    case "dense":
      if (layer.activation !== "relu" && layer.activation !== "softmax") {
        return `"activation" is ${show(layer.activation)} (the engine has relu and softmax)`;
      }
      if (layer.useBias === false) return `"useBias" is false (the engine has a bias)`;
      return undefined;
    case "dropout":
    case "flatten":
      return undefined;
    default:
      return `"type" is ${
        show(layer.type)
      } (the engine has conv2d, maxPool, dropout, flatten, dense)`;
  }
}
