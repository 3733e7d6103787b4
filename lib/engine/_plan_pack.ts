/**
 * The packed arrays a plan lays out while `planTraining` plans its layers: the trainable
 * parameters, the non-trainable state, and the zero biases of bias-free layers (placed past
 * the parameters once their count is known, from the next multiple of 4, which an optimizer
 * updating 4 lanes at a time never reaches); and the state a fresh model starts from.
 *
 * @module
 */
import type { ParamSlice, TrainingPlan } from "./_plan_types.ts";

const end = (list: ParamSlice[]) => (list.at(-1)?.offset ?? 0) + (list.at(-1)?.length ?? 0);

function append(list: ParamSlice[], layer: number, name: string, shape: number[]): ParamSlice {
  const length = shape.reduce((a, b) => a * b, 1);
  const p = { name: `${layer}/${name}`, layer, shape, offset: end(list), length };
  list.push(p);
  return p;
}

/** A packer: `param`, `state` and `zeroBias` slices, then `finish()` for the totals. */
export function packLayout() {
  const params: ParamSlice[] = [];
  const state: ParamSlice[] = [];
  const zeroBiases: ParamSlice[] = [];
  return {
    params,
    state,
    param: (layer: number, name: string, dims: number[]) => append(params, layer, name, dims),
    stateSlice: (layer: number, name: string, dims: number[]) => append(state, layer, name, dims),
    zeroBias(layer: number, length: number): ParamSlice {
      const bias = { name: `${layer}/bias`, layer, shape: [length], offset: 0, length };
      zeroBiases.push(bias);
      return bias;
    },
    /** Places the zero biases; returns the element counts of the packed arrays. */
    finish(): { paramCount: number; storedParams: number; stateCount: number } {
      const paramCount = end(params);
      let storedParams = paramCount + (zeroBiases.length > 0 ? (4 - paramCount % 4) % 4 : 0);
      for (const bias of zeroBiases) {
        bias.offset = storedParams;
        storedParams += bias.length;
      }
      return { paramCount, storedParams, stateCount: end(state) };
    },
  };
}

/**
 * The non-trainable state a fresh model starts from, as tfjs initialises it: each batchNorm
 * layer's moving mean zeros, its moving variance ones.
 *
 * @param plan The plan.
 * @returns `plan.stateCount` floats.
 * @example
 * ```ts
 * import { initialState, planTraining } from "./plan.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(initialState(planTraining("mlp", 1)).length, 0);
 * ```
 */
export function initialState(plan: TrainingPlan): Float32Array<ArrayBuffer> {
  const state = new Float32Array(plan.stateCount);
  for (const l of plan.layers) {
    if (l.kind === "batchNorm") {
      state.fill(1, l.movingVariance.offset, l.movingVariance.offset + l.movingVariance.length);
    }
  }
  return state;
}
