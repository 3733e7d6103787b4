/**
 * A fresh training state in the compiled engines' packed layout, as Keras would start it:
 * Glorot-uniform kernels (limit √(6 / (fan in + fan out)), fans being the receptive field
 * times the channels), zero biases, zero optimizer slots, Adam's β powers at β₁, β₂ as a
 * fresh tfjs Adam holds them, and batchNorm's moving statistics at tfjs' initial values. Drawn from one seeded PRNG, so a seed gives the same start in
 * Deno and in every browser.
 *
 * @module
 */
import { mulberry32 } from "../random.ts";
import {
  initialState,
  type OptimizerSpec,
  type PackedTrainingState,
  type TrainingPlan,
} from "../engine/plan.ts";
import { slotCount } from "../engine/webgpu/_kernels_update.ts";

/**
 * The initial state of a run.
 *
 * @param plan The plan (its `params` give the shapes and offsets).
 * @param optimizer The optimizer (how many slots, Adam's βs).
 * @param seed The PRNG seed.
 * @returns Parameters, zero slots and the β powers.
 * @example
 * ```ts
 * import { freshState } from "./fresh_state.ts";
 * import { planTraining } from "../engine/plan.ts";
 * import assert from "node:assert/strict";
 *
 * const plan = planTraining("mlp", 32);
 * const state = freshState(plan, { kind: "sgd", learningRate: 0.01 }, 1);
 * assert.equal(state.params.length, plan.paramCount);
 * assert.equal(state.params[plan.params[1]!.offset], 0); // the first bias
 * ```
 */
export function freshState(
  plan: TrainingPlan,
  optimizer: OptimizerSpec,
  seed: number,
): PackedTrainingState {
  const random = mulberry32(seed);
  const params = new Float32Array(plan.paramCount);
  for (const p of plan.params) {
    if (p.shape.length === 1) continue; // a bias: zeros
    const receptive = p.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const limit = Math.sqrt(6 / (receptive * (p.shape.at(-2)! + p.shape.at(-1)!)));
    for (let k = 0; k < p.length; k++) params[p.offset + k] = (random() * 2 - 1) * limit;
  }
  const slots = Array.from(
    { length: slotCount(optimizer) },
    () => new Float32Array(plan.paramCount),
  );
  const accBeta: [number, number] = optimizer.kind === "adam"
    ? [Math.fround(optimizer.beta1), Math.fround(optimizer.beta2)]
    : [1, 1];
  return { params, slots, accBeta, state: initialState(plan) };
}
