/**
 * The optimizer update in float64, with tfjs' formulas (`tf.train.rmsprop`, `adam`, `sgd`):
 * the same state the executors keep (RMSprop's ms and momentum, Adam's m and v, and Adam's
 * β-power accumulators, which start at β₁, β₂ and are multiplied after each update).
 *
 * @module
 */
import type { OptimizerSpec } from "../plan.ts";

/**
 * Training state in the packed layout: parameters, two slot arrays (none for SGD), Adam's β
 * powers, and the non-trainable state (batchNorm's moving statistics; when absent, the
 * plan's initial state: see `initialState`).
 */
export interface ReferenceState {
  params: Float64Array;
  slots: Float64Array[];
  accBeta: [number, number];
  state?: Float64Array;
}

/**
 * Applies one update with gradient `g` to a copy of `state`.
 *
 * @param spec The optimizer and its hyperparameters.
 * @param state Parameters, slots and β powers before the step.
 * @param g The gradient of the batch-mean loss.
 * @returns The state after the step.
 */
export function referenceUpdate(
  spec: OptimizerSpec,
  state: ReferenceState,
  g: Float64Array,
): ReferenceState {
  const params = Float64Array.from(state.params);
  const slots = state.slots.map((s) => Float64Array.from(s));
  let accBeta = state.accBeta;
  if (spec.kind === "sgd") {
    for (let i = 0; i < params.length; i++) params[i] = params[i]! - spec.learningRate * g[i]!;
  } else if (spec.kind === "rmsprop") {
    const [ms, mom] = slots as [Float64Array, Float64Array];
    for (let i = 0; i < params.length; i++) {
      ms[i] = spec.decay * ms[i]! + (1 - spec.decay) * g[i]! * g[i]!;
      mom[i] = spec.momentum * mom[i]! +
        (spec.learningRate * g[i]!) / Math.sqrt(ms[i]! + spec.epsilon);
      params[i] = params[i]! - mom[i]!;
    }
  } else {
    const [m, v] = slots as [Float64Array, Float64Array];
    const [a1, a2] = accBeta;
    for (let i = 0; i < params.length; i++) {
      m[i] = spec.beta1 * m[i]! + (1 - spec.beta1) * g[i]!;
      v[i] = spec.beta2 * v[i]! + (1 - spec.beta2) * g[i]! * g[i]!;
      const mHat = m[i]! / (1 - a1);
      const vHat = v[i]! / (1 - a2);
      params[i] = params[i]! - (spec.learningRate * mHat) / (Math.sqrt(vHat) + spec.epsilon);
    }
    accBeta = [a1 * spec.beta1, a2 * spec.beta2];
  }
  return { params, slots, accBeta };
}
