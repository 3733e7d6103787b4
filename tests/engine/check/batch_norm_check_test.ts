/**
 * The engine check's batchNorm rows: the moving mean and variance after the step compared
 * with the float64 reference's, one row each, shown by the renderer and kept by the reference
 * cache; an engine that reports no state fails those rows (NaN). The compiled engines' own
 * batchNorm is checked by `tests/engine/batchnorm_parity_test.ts` once they have it; here the
 * engine's step is the reference's own, rounded to float32, then sabotaged.
 */
import assert from "node:assert/strict";
import type { Architecture } from "../../../lib/models/architecture.ts";
import { planTraining } from "../../../lib/engine/plan.ts";
import {
  checkInputs,
  kerasOptimizer,
  referenceInput,
} from "../../../lib/engine/check/_check_inputs.ts";
import { compareStep } from "../../../lib/engine/check/compare_step.ts";
import type { EngineStep } from "../../../lib/engine/check/_engine_step.ts";
import { renderEngineCheck } from "../../../lib/engine/check/render_engine_check.ts";
import { decodeReference, encodeReference } from "../../../lib/engine/check/_reference_cache.ts";
import { referenceStep } from "../../../lib/engine/reference/reference_step.ts";
import { getArchitecture } from "../../../lib/models/architectures.ts";

const ARCH: Architecture = {
  ...getArchitecture("mlp"),
  name: "bn-check",
  layers: [
    { type: "conv2d", filters: 3, kernelSize: 3, strides: 2, activation: "linear" },
    { type: "batchNorm" },
    { type: "activation", activation: "relu" },
    { type: "flatten" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
};

function setup() {
  const plan = planTraining(ARCH, 6);
  const inputs = checkInputs(plan, kerasOptimizer("adam", 0.001));
  const ref = referenceStep(referenceInput(plan, inputs, () => true));
  const step: EngineStep = {
    lossSum: ref.lossSum,
    correct: ref.correct,
    grads: Float32Array.from(ref.grads),
    after: {
      params: Float32Array.from(ref.after.params),
      slots: ref.after.slots.map((s) => Float32Array.from(s)),
      accBeta: ref.after.accBeta,
      state: Float32Array.from(ref.after.state),
    },
    keep: () => true,
  };
  return { plan, inputs, ref, step };
}

Deno.test("checkInputs: a batchNorm starts from gammas near 1 and moving statistics away from 0 and 1", () => {
  const { plan, inputs } = setup();
  const gamma = plan.params.find((p) => p.name === "1/gamma")!;
  const gammas = inputs.params.subarray(gamma.offset, gamma.offset + gamma.length);
  assert.ok(gammas.every((g) => g > 0.75 && g < 1.25), `${gammas}`);
  assert.equal(inputs.state.length, 6);
  assert.ok(inputs.state.slice(0, 3).every((m) => m !== 0 && Math.abs(m) < 0.1));
  assert.ok(inputs.state.slice(3).every((v) => v !== 1 && v >= 0.5 && v < 1.5));
  // A plan without a batchNorm draws the inputs it drew before batchNorm existed.
  const mlp = planTraining("mlp", 4);
  assert.equal(checkInputs(mlp, kerasOptimizer("sgd", 0.01)).state.length, 0);
});

Deno.test("compareStep: the moving mean and variance after the step are rows, a 1 % error caught", () => {
  const { plan, inputs, ref, step } = setup();
  const clean = compareStep(plan, inputs, step, ref);
  const rows = clean.filter((t) => t.tensor.startsWith("after "));
  assert.deepEqual(rows.map((t) => t.tensor), [
    "after batchNorm1.moving_mean",
    "after batchNorm1.moving_variance",
  ]);
  // float32 rounding of the parameters reads as ~1e-4 in the update rows, under 1e-3.
  assert.ok(clean.every((t) => t.error < 1e-3), JSON.stringify(clean));
  assert.ok(rows.every((t) => t.error < 1e-6), JSON.stringify(rows));
  // The step moved the statistics (momentum 0.99: by 1 % of the way to the batch's).
  assert.ok(ref.after.state.some((v, i) => Math.abs(v - inputs.state[i]!) > 1e-4));

  const state = Float32Array.from(step.after.state!);
  state[4] = state[4]! * 1.01;
  const bad = compareStep(plan, inputs, { ...step, after: { ...step.after, state } }, ref);
  const variance = bad.find((t) => t.tensor === "after batchNorm1.moving_variance")!;
  assert.ok(variance.error > 5e-3, `a 1 % variance error reads ${variance.error}`);
  assert.ok(bad.find((t) => t.tensor === "after batchNorm1.moving_mean")!.error < 1e-5);

  const { state: _, ...stateless } = step.after;
  const none = compareStep(plan, inputs, { ...step, after: stateless }, ref);
  assert.ok(none.filter((t) => t.tensor.startsWith("after ")).every((t) => Number.isNaN(t.error)));
});

Deno.test("the engine check's report shows the moving-statistics rows; the reference cache keeps them", () => {
  const { plan, inputs, ref, step } = setup();
  const tensors = compareStep(plan, inputs, step, ref);
  const text = renderEngineCheck([{
    arch: ARCH.name,
    batchSize: 6,
    optimizer: "adam",
    tolerance: 1e-3,
    rows: [{ engine: "wasm", tensors, worst: tensors[0]!, ok: true }],
    skipped: [],
    ok: true,
  }]);
  assert.match(text, /^after batchNorm1\.moving_variance +\d/m);
  const cached = decodeReference(encodeReference(ref), plan.paramCount, plan.stateCount)!;
  assert.deepEqual(cached.after.state, ref.after.state);
  assert.deepEqual(cached.grads, ref.grads);
  assert.equal(decodeReference(encodeReference(ref), plan.paramCount, 0), null);
});
