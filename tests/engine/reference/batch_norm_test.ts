/**
 * The float64 reference's batchNorm against independent arithmetic: every gradient against
 * central finite differences of its own loss (through the batch mean and variance), and the
 * gradient and moving statistics of one training step against tfjs' own BatchNormalization
 * in training mode on the cpu backend (the model's weights written, and its moving
 * statistics read back, through `lib/engine/tfjs_state.ts`).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../../lib/models/architecture.ts";
import { initialState, planTraining, type TrainingPlan } from "../../../lib/engine/plan.ts";
import { referenceStep } from "../../../lib/engine/reference/reference_step.ts";
import { readTrainingState, writeTrainingState } from "../../../lib/engine/tfjs_state.ts";
import { buildModel } from "../../../lib/models/build_model.ts";
import { sparseCrossEntropy } from "../../../lib/models/loss.ts";
import { mulberry32 } from "../../../lib/random.ts";
import { useCpu } from "../../_synthetic.ts";
import { centralDifferences } from "./_finite_differences.ts";

/** A batchNorm on a strided conv's channels and one on a dense layer's features. */
const TINY_BN: Architecture = {
  name: "reference-batch-norm",
  description: "batchNorm on conv channels and on dense features",
  seeds: [],
  layers: [
    {
      type: "conv2d",
      filters: 3,
      kernelSize: 4,
      strides: 3,
      useBias: false,
      activation: "linear",
    },
    { type: "batchNorm", momentum: 0.9, epsilon: 1e-3 },
    { type: "activation", activation: "tanh" },
    { type: "avgPool", poolSize: 2 },
    { type: "flatten" },
    { type: "dense", units: 6, activation: "tanh" },
    { type: "batchNorm", epsilon: 0.01 },
    { type: "dense", units: 10, activation: "softmax" },
  ],
  recipe: { optimizer: "sgd", learningRate: 0.1, batchSize: 4, epochs: 1 },
  seedAccuracy: [],
  expectedParams: 0,
};

/** Random kernels and biases around 0, gammas around 1; moving stats away from 0 and 1. */
function setup(plan: TrainingPlan) {
  const random = mulberry32(7);
  const params = Float64Array.from({ length: plan.paramCount }, () => random() - 0.5);
  for (const p of plan.params.filter((p) => p.name.endsWith("/gamma"))) {
    for (let k = 0; k < p.length; k++) params[p.offset + k] = 0.5 + random();
  }
  const state = Float64Array.from(initialState(plan), (v) => v + (random() - 0.5) * 0.2);
  const n = plan.batchSize;
  const images = Uint8Array.from({ length: n * 784 }, () => Math.floor(random() * 256));
  const labels = Uint8Array.from({ length: n }, (_, b) => (b * 3) % 10);
  return { params, state, images, labels };
}

Deno.test("referenceStep: batchNorm's gradients match central differences of the loss", () => {
  const plan = planTraining(TINY_BN, 4);
  const { params, state, images, labels } = setup(plan);
  const step = (p: Float64Array) =>
    referenceStep({
      plan,
      optimizer: { kind: "sgd", learningRate: 0 },
      state: { params: p, slots: [], accBeta: [1, 1], state },
      images,
      labels,
    });
  const { grads } = step(params);
  const { worst, scale } = centralDifferences(step, params, 4, grads);
  assert.ok(scale > 1e-3, "the gradient is not trivially zero");
  assert.ok(worst / scale < 1e-6, `finite differences differ by ${worst / scale} (relative)`);
  // The conv kernel's gradient reaches it only through the batchNorm's input gradient.
  const kernel = plan.params[0]!;
  assert.ok(grads.subarray(0, kernel.length).some((g) => Math.abs(g) > 1e-4));
});

Deno.test("referenceStep: batchNorm's gradient and moving statistics match tfjs' BatchNormalization in training mode", async () => {
  await useCpu();
  const plan = planTraining(TINY_BN, 4);
  const { params, state, images, labels } = setup(plan);
  const reference = referenceStep({
    plan,
    optimizer: { kind: "sgd", learningRate: 0 },
    state: { params, slots: [], accBeta: [1, 1], state },
    images,
    labels,
  });
  const model = buildModel(TINY_BN, { seed: 1 });
  const optimizer = tf.train.sgd(0);
  const spec = { kind: "sgd", learningRate: 0 } as const;
  writeTrainingState(model, optimizer, spec, plan, {
    params: Float32Array.from(params),
    slots: [],
    accBeta: [1, 1],
    state: Float32Array.from(state),
  }, 0);
  const x = tf.tensor4d(Float32Array.from(images, (v) => v / 255), [4, 28, 28, 1]);
  const y = tf.tensor1d(labels, "int32");
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => {
    const probabilities = model.apply(x, { training: true }) as tf.Tensor2D;
    return sparseCrossEntropy(probabilities, y);
  }, variables);
  const after = readTrainingState(model, optimizer, spec, plan);
  const relative = (actual: ArrayLike<number>, expected: ArrayLike<number>) => {
    let diff = 0;
    let ref = 0;
    for (let i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
      ref = Math.max(ref, Math.abs(expected[i]!));
    }
    return diff / ref;
  };
  plan.params.forEach((p, i) => {
    const tfjs = grads[variables[i]!.name]!.dataSync();
    const e = relative(tfjs, reference.grads.subarray(p.offset, p.offset + p.length));
    assert.ok(e < 1e-4, `${p.name}: tfjs' gradient differs by ${e} (relative)`);
  });
  // tfjs moved the moving statistics in its forward call, as the reference's step did.
  const e = relative(after.state, reference.after.state);
  assert.ok(e < 1e-5, `moving statistics differ by ${e} (relative)`);
  assert.ok(relative(reference.after.state, state) > 1e-3, "the step moved the statistics");
  tf.dispose([x, y, ...Object.values(grads)]);
  model.dispose();
  optimizer.dispose();
});
