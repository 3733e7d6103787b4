/**
 * How far an engine's step is from the float64 reference, tensor by tensor: the loss, each
 * variable's gradient, and each variable's optimizer update. The update is judged on the
 * engine's own gradient (the reference optimizer applied to it), so it tests the optimizer
 * arithmetic and not, again, the gradient: Adam and RMSprop scale every element's step to
 * about the learning rate, so a float32 gradient element near zero whose sign rounding
 * flips would otherwise look like a wrong update.
 *
 * @module
 */
import type { ParamSlice, TrainingPlan } from "../plan.ts";
import { referenceUpdate } from "../reference/_optimizer.ts";
import type { ReferenceStepResult } from "../reference/reference_step.ts";
import type { CheckInputs } from "./_check_inputs.ts";
import type { EngineStep } from "./_engine_step.ts";

/** One tensor's worst relative error. */
export interface TensorError {
  tensor: string;
  /** ‖engine − reference‖∞ / ‖reference‖∞ (NaN when the engine produced a NaN). */
  error: number;
}

/** ‖a − e‖∞ / max(‖e‖∞, floor) over `[offset, offset + length)`. */
export function relativeError(
  a: ArrayLike<number>,
  e: ArrayLike<number>,
  offset = 0,
  length = e.length,
  floor = 0,
): number {
  let diff = 0;
  let ref = floor;
  for (let i = offset; i < offset + length; i++) {
    if (Number.isNaN(a[i]!)) return NaN;
    diff = Math.max(diff, Math.abs(a[i]! - e[i]!));
    ref = Math.max(ref, Math.abs(e[i]!));
  }
  return ref === 0 ? diff : diff / ref;
}

/** A variable's readable name, e.g. `conv2d0.kernel`, `dense6.bias`. */
export function tensorName(plan: TrainingPlan, p: ParamSlice): string {
  return `${plan.layers[p.layer]!.kind}${p.layer}.${p.name.split("/")[1]}`;
}

/** Largest |x| over a slice. */
function maxAbs(x: ArrayLike<number>, p: ParamSlice): number {
  let m = 0;
  for (let i = p.offset; i < p.offset + p.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

/**
 * Compares an engine step with the reference.
 *
 * @param plan The plan both ran.
 * @param inputs The state both started from.
 * @param engine What the engine produced.
 * @param ref What the reference produced (with the engine's dropout decisions).
 * @returns One error per tensor: `loss`, `correct count`, then `grad <var>` and `update <var>`
 *   per variable, `after <state>` per batchNorm moving mean and variance (none without a
 *   batchNorm), then the optimizer's β powers.
 */
export function compareStep(
  plan: TrainingPlan,
  inputs: CheckInputs,
  engine: EngineStep,
  ref: Pick<ReferenceStepResult, "lossSum" | "correct" | "grads"> & {
    after: { state: Float64Array };
  },
): TensorError[] {
  const errors: TensorError[] = [
    { tensor: "loss", error: relativeError([engine.lossSum], [ref.lossSum]) },
    // Samples counted differently, per sample (the batch is screened for near-tied logits).
    { tensor: "correct count", error: Math.abs(engine.correct - ref.correct) / plan.batchSize },
  ];
  const before = Float64Array.from(inputs.params);
  const expected = referenceUpdate(inputs.optimizer, {
    params: before,
    slots: inputs.slots.map((s) => Float64Array.from(s)),
    accBeta: inputs.accBeta,
  }, Float64Array.from(engine.grads));
  const stepOf = (after: ArrayLike<number>) => Float64Array.from(before, (b, i) => after[i]! - b);
  const engineStep = stepOf(engine.after.params);
  const refStep = stepOf(expected.params);
  for (const p of plan.params) {
    const name = tensorName(plan, p);
    errors.push({
      tensor: `grad ${name}`,
      error: relativeError(engine.grads, ref.grads, p.offset, p.length),
    });
    // A stored float32 parameter moves by whole ulps (2⁻²³ of it): for a step smaller than
    // 2,048 ulps of the largest parameter, the error is measured against those 2,048 ulps, so
    // half an ulp of rounding reads as 2.4e-4, under the tolerance.
    const floor = maxAbs(before, p) * 2 ** -12;
    let error = relativeError(engineStep, refStep, p.offset, p.length, floor);
    engine.after.slots.forEach((slot, k) => {
      error = Math.max(error, relativeError(slot, expected.slots[k]!, p.offset, p.length));
    });
    errors.push({ tensor: `update ${name}`, error });
  }
  errors.push(...compareState(plan, engine, ref.after.state));
  const beta = relativeError(engine.after.accBeta, expected.accBeta);
  errors.push({ tensor: "optimizer β powers", error: beta });
  return errors;
}

/**
 * The moving statistics after the step, one row per batchNorm variable (e.g.
 * `after batchNorm1.moving_variance`): the engine's against the reference's; NaN when the
 * engine reported none (a plan without batchNorm has no rows).
 */
function compareState(
  plan: TrainingPlan,
  engine: EngineStep,
  expected: Float64Array,
): TensorError[] {
  const actual = engine.after.state;
  return plan.state.map((p) => ({
    tensor: `after ${tensorName(plan, p)}`,
    error: actual?.length === plan.stateCount
      ? relativeError(actual, expected, p.offset, p.length)
      : NaN,
  }));
}
