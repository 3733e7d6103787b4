/**
 * A float64 reference of one compiled-engine training step for any plan: forward, the
 * clipped softmax cross-entropy, every gradient and the optimizer update, in plain
 * TypeScript (no tfjs, no WebGPU, no wasm). `deno task engine-check` and the engine tests
 * hold every executor to it; being float64 it also tells which of two float32 executors
 * drifted. Cost: cnn-deep at batch 64 takes ~1 s, so checks use it on one step.
 *
 * @module
 */
import { initialState, LOSS_EPSILON, type TrainingPlan } from "../plan.ts";
import type { OptimizerSpec } from "../plan.ts";
import { type KindContext, kindOf } from "./_layer_kinds.ts";
import { type ReferenceState, referenceUpdate } from "./_optimizer.ts";

export type { ReferenceState };

/** One step's input: the state before it, the batch, and the dropout decisions. */
export interface ReferenceStepInput {
  plan: TrainingPlan;
  optimizer: OptimizerSpec;
  state: ReferenceState;
  /** `n × 784` pixel bytes (normalised by / 255 as the engines do). */
  images: Uint8Array;
  labels: Uint8Array;
  /** Dropout's keep decision for element `i` of layer `layer`'s output. @default keep all */
  keep?: (layer: number, i: number) => boolean;
}

/** One step's result. */
export interface ReferenceStepResult {
  /** Sum over the batch of the per-sample losses. */
  lossSum: number;
  /** Samples whose largest probability was at their label. */
  correct: number;
  /** Gradient of the batch-mean loss, plan layout. */
  grads: Float64Array;
  /** Every layer's output (a flatten's is its input's). */
  activations: Float64Array[];
  /** Samples with a ReLU or max-pool decision within `TIE` of a tie (see `_layer_kinds.ts`). */
  ties: number[];
  /** The state after the optimizer update, with the moving statistics after the step. */
  after: ReferenceState & { state: Float64Array };
}

/**
 * Runs one step in float64.
 *
 * @param input Plan, optimizer, state, batch and dropout decisions.
 * @returns Loss sum, correct count, gradient, activations and the updated state.
 * @example
 * ```ts
 * import { planTraining } from "../plan.ts";
 * import { referenceStep } from "./reference_step.ts";
 * import assert from "node:assert/strict";
 *
 * const plan = planTraining("mlp", 2);
 * const r = referenceStep({
 *   plan,
 *   optimizer: { kind: "sgd", learningRate: 0.1 },
 *   state: { params: new Float64Array(plan.paramCount), slots: [], accBeta: [1, 1] },
 *   images: new Uint8Array(2 * 784),
 *   labels: Uint8Array.of(3, 4),
 * });
 * assert.ok(Math.abs(r.lossSum - 2 * Math.log(10)) < 1e-12); // all-zero weights: uniform
 * ```
 */
export function referenceStep(input: ReferenceStepInput): ReferenceStepResult {
  const { plan, labels } = input;
  if (input.images.length !== labels.length * 784) {
    throw new RangeError("images must hold 784 bytes a label");
  }
  const bad = labels.findIndex((label) => label >= plan.classes);
  if (bad >= 0) throw new RangeError(`label ${labels[bad]} of sample ${bad} is not a class`);
  const { ctx, x0, activations: acts, ties } = forward(input);
  const { lossSum, correct, dLogits } = softmaxLoss(acts.at(-1)!, labels, plan.classes);
  let dy: Float64Array | null = dLogits;
  for (let i = plan.layers.length - 1; i >= 0 && dy; i--) {
    const l = plan.layers[i]!;
    // Below the first layer with parameters no gradient is needed.
    if (!l.backpropInput && !plan.params.some((p) => p.layer === i)) break;
    dy = kindOf(l).backward(l, acts[i - 1] ?? x0, acts[i]!, dy, ctx);
  }
  return {
    lossSum,
    correct,
    grads: ctx.grads,
    activations: acts,
    ties: [...ties],
    after: { ...referenceUpdate(input.optimizer, input.state, ctx.grads), state: ctx.nextState },
  };
}

/**
 * The forward pass alone, for `images.length / 784` samples (any count: a plan's layer
 * shapes are per sample), with the samples whose decisions are near a tie.
 *
 * @param input Plan, parameters, images and dropout decisions (labels and optimizer unused).
 * @returns Every layer's output and the samples near a tie.
 */
export function referenceForward(
  input: Pick<ReferenceStepInput, "plan" | "images" | "keep"> & { state: ForwardState },
): { activations: Float64Array[]; ties: number[] } {
  const { activations, ties } = forward(input);
  return { activations, ties: [...ties] };
}

/** What the forward reads of the state (the moving statistics default to the initial ones). */
type ForwardState = { params: Float64Array; state?: Float64Array };

function forward(
  input: Pick<ReferenceStepInput, "plan" | "images" | "keep"> & { state: ForwardState },
) {
  const { plan, images } = input;
  if (images.length % 784 !== 0) throw new RangeError("images must hold 784 bytes a sample");
  const ties = new Set<number>();
  const state = input.state.state ?? Float64Array.from(initialState(plan));
  if (state.length !== plan.stateCount) {
    throw new RangeError(`state holds ${state.length} values, the plan ${plan.stateCount}`);
  }
  const ctx: KindContext = {
    n: images.length / 784,
    params: input.state.params,
    grads: new Float64Array(plan.paramCount),
    state,
    nextState: Float64Array.from(state),
    keep: input.keep ?? (() => true),
    tie: (sample) => ties.add(sample),
  };
  const x0 = Float64Array.from(images, (v) => v / 255);
  const activations: Float64Array[] = [];
  for (const l of plan.layers) {
    activations.push(kindOf(l).forward(l, activations.at(-1) ?? x0, ctx));
  }
  return { ctx, x0, activations, ties };
}

/**
 * Keras' sparse categorical cross-entropy on softmax(logits) with the probabilities clipped
 * to [ε, 1 − ε], and its gradient w.r.t. the logits for the batch mean.
 */
function softmaxLoss(logits: Float64Array, labels: Uint8Array, classes: number) {
  const n = labels.length;
  const dLogits = new Float64Array(logits.length);
  let lossSum = 0;
  let correct = 0;
  for (let b = 0; b < n; b++) {
    const row = logits.subarray(b * classes, (b + 1) * classes);
    const max = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    const label = labels[b]!;
    const p = Array.from(row, (v) => Math.exp(v - max) / sum);
    const py = p[label]!;
    lossSum -= Math.log(Math.min(Math.max(py, LOSS_EPSILON), 1 - LOSS_EPSILON));
    if (p.every((v, c) => v < py || (v === py && c >= label))) correct++;
    // The clip's gradient is zero outside [ε, 1 − ε], so a clipped row contributes nothing.
    if (py > LOSS_EPSILON && py < 1 - LOSS_EPSILON) {
      for (let c = 0; c < classes; c++) {
        dLogits[b * classes + c] = (p[c]! - (c === label ? 1 : 0)) / n;
      }
    }
  }
  return { lossSum, correct, dLogits };
}
