/**
 * One step of a compiled engine on a check's inputs, read back whole: loss sum, correct
 * count, the gradient, and the state after the optimizer; with the engine's own dropout
 * decisions, so the reference can apply the same masks.
 *
 * @module
 */
import type { Architecture } from "../../models/architecture.ts";
import type { TrainingPlan } from "../plan.ts";
import type { CheckInputs } from "./_check_inputs.ts";

/** What one engine step produced. */
export interface EngineStep {
  lossSum: number;
  correct: number;
  /** The gradient of the batch-mean loss, plan layout. */
  grads: Float32Array;
  after: {
    params: Float32Array;
    slots: Float32Array[];
    accBeta: [number, number];
    /** BatchNorm's moving statistics after the step (`plan.stateCount`; absent: not read). */
    state?: Float32Array;
  };
  /** The engine's dropout decision for element `i` of layer `layer`'s output in this step. */
  keep: (layer: number, i: number) => boolean;
}

/** What every engine adapter is given. */
export interface EngineStepInput {
  /** The architecture (the plan's batch size is the step's). */
  arch: Architecture;
  plan: TrainingPlan;
  inputs: CheckInputs;
  /** Dropout seed of the step. */
  seed: number;
}

/** The sample order `0 … n − 1`. */
export function identityOrder(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
