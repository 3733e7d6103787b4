/**
 * The float64 reference against independent arithmetic: its gradient against central
 * finite differences of its own loss on tiny models with every layer kind and activation,
 * its optimizer against tfjs' optimizers on the cpu backend, and its tie screening.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../../lib/models/architecture.ts";
import { planTraining } from "../../../lib/engine/plan.ts";
import { referenceForward, referenceStep } from "../../../lib/engine/reference/reference_step.ts";
import { type ReferenceState, referenceUpdate } from "../../../lib/engine/reference/_optimizer.ts";
import { mulberry32 } from "../../../lib/random.ts";
import { useCpu } from "../../_synthetic.ts";
import { centralDifferences } from "./_finite_differences.ts";

const TINY: Architecture = {
  name: "reference-tiny",
  description: "every plan layer kind, tiny",
  seeds: [],
  layers: [
    { type: "conv2d", filters: 2, kernelSize: 3, padding: "same" },
    { type: "maxPool", poolSize: 2 },
    { type: "conv2d", filters: 3, kernelSize: 3 },
    { type: "maxPool", poolSize: 2 },
    { type: "dropout", rate: 0.5 },
    { type: "flatten" },
    { type: "dense", units: 5, activation: "relu" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
  recipe: { optimizer: "sgd", learningRate: 0.1, batchSize: 3, epochs: 1 },
  seedAccuracy: [],
  expectedParams: 0,
};

/** The activations: each in a conv, a dense or an activation layer, f′ from the output. */
const TINY_ACTIVATIONS: Architecture = {
  ...TINY,
  name: "reference-activations",
  layers: [
    { type: "conv2d", filters: 2, kernelSize: 3, padding: "same", activation: "tanh" },
    { type: "maxPool", poolSize: 2 },
    { type: "conv2d", filters: 3, kernelSize: 3, activation: "sigmoid" },
    { type: "activation", activation: "elu" },
    { type: "maxPool", poolSize: 2 },
    { type: "flatten" },
    { type: "dense", units: 5, activation: "elu" },
    { type: "activation", activation: "tanh" },
    { type: "dense", units: 4, activation: "linear" },
    { type: "activation", activation: "sigmoid" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
};

/** Pools of any window, strides and padding, max and average, square and not. */
const TINY_POOLING: Architecture = {
  ...TINY,
  name: "reference-pooling",
  layers: [
    { type: "conv2d", filters: 2, kernelSize: 3, padding: "same", activation: "tanh" },
    { type: "maxPool", poolSize: 3, strides: 2, padding: "same" },
    { type: "avgPool", poolSize: [3, 2], strides: 1, padding: "same" },
    { type: "conv2d", filters: 3, kernelSize: 3, activation: "elu" },
    { type: "avgPool", poolSize: 2 },
    { type: "maxPool", poolSize: [2, 3], strides: [2, 3] },
    { type: "flatten" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
};

function setup(arch = TINY) {
  const plan = planTraining(arch, 3);
  const random = mulberry32(11);
  const params = Float64Array.from({ length: plan.paramCount }, () => random() - 0.5);
  const images = Uint8Array.from({ length: 3 * 784 }, () => Math.floor(random() * 256));
  const labels = Uint8Array.of(1, 7, 3);
  const keep = (layer: number, i: number) => layer !== 4 || (i * 2654435761) % 7 < 4;
  return { plan, params, images, labels, keep };
}

for (const arch of [TINY, TINY_ACTIVATIONS, TINY_POOLING]) {
  Deno.test(`referenceStep: every gradient of ${arch.name} matches central differences of its own loss`, () => {
    const { plan, params, images, labels, keep } = setup(arch);
    const step = (p: Float64Array) =>
      referenceStep({
        plan,
        optimizer: { kind: "sgd", learningRate: 0 },
        state: { params: p, slots: [], accBeta: [1, 1] },
        images,
        labels,
        keep,
      });
    const { grads, ties } = step(params);
    assert.deepEqual(ties, [], "the random weights put no decision near a tie");
    const { worst, scale } = centralDifferences(step, params, 3, grads);
    assert.ok(scale > 1e-3, "the gradient is not trivially zero");
    assert.ok(worst / scale < 1e-6, `finite differences differ by ${worst / scale} (relative)`);
  });
}

Deno.test("referenceStep: the loss is Keras' clipped cross-entropy, the update plain SGD", () => {
  const { plan, params, images, labels } = setup();
  const r = referenceStep({
    plan,
    optimizer: { kind: "sgd", learningRate: 0.5 },
    state: { params, slots: [], accBeta: [1, 1] },
    images,
    labels,
  });
  const logits = r.activations.at(-1)!;
  let expected = 0;
  labels.forEach((label, b) => {
    const row = Array.from(logits.subarray(b * 10, b * 10 + 10));
    const sum = row.reduce((s, v) => s + Math.exp(v), 0);
    expected -= Math.log(Math.min(Math.max(Math.exp(row[label]!) / sum, 1e-7), 1 - 1e-7));
  });
  assert.ok(Math.abs(r.lossSum - expected) < 1e-12);
  r.after.params.forEach((v, i) =>
    assert.ok(Math.abs(v - (params[i]! - 0.5 * r.grads[i]!)) < 1e-15)
  );
});

for (const kind of ["adam", "rmsprop"] as const) {
  Deno.test(`referenceUpdate: ${kind} matches tfjs' optimizer over three steps`, async () => {
    await useCpu();
    const random = mulberry32(3);
    const start = Float32Array.from({ length: 50 }, () => random() - 0.5);
    const steps = [0, 1, 2].map(() => Float32Array.from({ length: 50 }, () => random() - 0.5));
    const spec = kind === "adam"
      ? { kind, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const
      : { kind, learningRate: 0.01, decay: 0.9, momentum: 0, epsilon: 1e-7 } as const;
    const optimizer = kind === "adam"
      ? tf.train.adam(0.01, 0.9, 0.999, 1e-7)
      : tf.train.rmsprop(0.01, 0.9, 0, 1e-7);
    const variable = tf.variable(tf.tensor1d(start));
    let state: ReferenceState = {
      params: Float64Array.from(start),
      slots: [new Float64Array(50), new Float64Array(50)],
      accBeta: kind === "adam" ? [0.9, 0.999] : [1, 1],
    };
    for (const g of steps) {
      optimizer.applyGradients([{ name: variable.name, tensor: tf.tensor1d(g) }]);
      state = referenceUpdate(spec, state, Float64Array.from(g));
    }
    const actual = await variable.data();
    const worst = Math.max(...Array.from(actual, (v, i) => Math.abs(v - state.params[i]!)));
    assert.ok(worst < 1e-6, `tfjs and the reference differ by ${worst}`);
    optimizer.dispose();
    variable.dispose();
  });
}

Deno.test("referenceForward: a ReLU input within a hair of zero is reported as a tie", () => {
  const plan = planTraining(TINY, 1);
  const params = new Float64Array(plan.paramCount);
  const images = new Uint8Array(784).fill(255);
  // conv0's first filter sums nine pixels of 1.0 times 1e-3, against a bias of −9e-3 + 1e-12.
  const kernel = plan.params[0]!;
  for (let tap = 0; tap < 9; tap++) params[kernel.offset + tap * 2] = 1e-3;
  params[plan.params[1]!.offset] = -9e-3 + 1e-12;
  assert.deepEqual(referenceForward({ plan, images, state: { params } }).ties, [0]);
  params[plan.params[1]!.offset] = -8e-3;
  assert.deepEqual(referenceForward({ plan, images, state: { params } }).ties, []);
});

Deno.test("referenceForward: an activation layer's ReLU screens near-zero inputs, not exact zeros", () => {
  const arch: Architecture = {
    ...TINY,
    layers: [
      { type: "flatten" },
      { type: "dense", units: 2, activation: "linear" },
      { type: "activation", activation: "relu" },
      { type: "dense", units: 10, activation: "softmax" },
    ],
  };
  const plan = planTraining(arch, 1);
  const params = new Float64Array(plan.paramCount);
  const images = new Uint8Array(784).fill(255);
  const [kernel, bias] = [plan.params[0]!, plan.params[1]!];
  params[kernel.offset] = 1; // unit 0 = pixel 0 = 1.0: the sample's scale
  params[bias.offset + 1] = 1e-9; // unit 1 a hair above zero
  params[plan.params[3]!.offset] = 0.1; // logits apart, so only the ReLU can tie
  assert.deepEqual(referenceForward({ plan, images, state: { params } }).ties, [0]);
  params[bias.offset + 1] = 0; // an exact zero: every engine agrees
  assert.deepEqual(referenceForward({ plan, images, state: { params } }).ties, []);
  params[bias.offset + 1] = 1e-9;
  const tanh = planTraining({
    ...arch,
    layers: arch.layers.with(2, { type: "activation", activation: "tanh" }),
  }, 1);
  assert.deepEqual(referenceForward({ plan: tanh, images, state: { params } }).ties, []);
});

Deno.test("referenceForward: a padded 3×3 stride-2 max-pool reports a near-tie, not an exact one", () => {
  const arch: Architecture = {
    ...TINY,
    layers: [
      { type: "conv2d", filters: 1, kernelSize: 1, activation: "linear" },
      { type: "maxPool", poolSize: 3, strides: 2, padding: "same" },
      { type: "flatten" },
      { type: "dense", units: 10, activation: "softmax" },
    ],
  };
  const plan = planTraining(arch, 1);
  const params = new Float64Array(plan.paramCount);
  const images = new Uint8Array(784);
  images[0] = 255; // the first window's cell 0 is 1.0, the rest 0
  params[plan.params[1]!.offset] = 1; // conv bias: y = w·x + 1
  params[plan.params[2]!.offset] = 0.1; // logits apart, so only the pool can tie
  params[plan.params[0]!.offset] = 1e-9; // 1 + 1e-9 against 1: a near-tie
  assert.deepEqual(referenceForward({ plan, images, state: { params } }).ties, [0]);
  params[plan.params[0]!.offset] = 1; // 2 against 1: none
  assert.deepEqual(referenceForward({ plan, images, state: { params } }).ties, []);
  params[plan.params[0]!.offset] = 0; // every cell exactly 1: every engine agrees
  assert.deepEqual(referenceForward({ plan, images, state: { params } }).ties, []);
});
