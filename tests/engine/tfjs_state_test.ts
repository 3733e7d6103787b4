/**
 * `lib/engine/tfjs_state.ts` carries batchNorm's moving statistics between an engine's
 * packed state and the tfjs model's non-trainable weights: a fake engine state written into
 * the model reads back unchanged, tfjs' inference (`predict`) then normalises with those
 * statistics, and a state of the wrong length is refused before anything is assigned.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../lib/models/architecture.ts";
import { planTraining } from "../../lib/engine/plan.ts";
import { readTrainingState, writeTrainingState } from "../../lib/engine/tfjs_state.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { mulberry32 } from "../../lib/random.ts";
import { useCpu } from "../_synthetic.ts";

const ARCH: Architecture = {
  name: "state-round-trip",
  description: "a batchNorm on the pixels, then a softmax dense",
  seeds: [],
  layers: [
    { type: "flatten" },
    { type: "batchNorm", epsilon: 0.01 },
    { type: "dense", units: 10, activation: "softmax" },
  ],
  recipe: { optimizer: "adam", learningRate: 0.001, batchSize: 2, epochs: 1 },
  seedAccuracy: [],
  expectedParams: 0,
};
const SPEC = {
  kind: "adam",
  learningRate: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
} as const;

Deno.test("tfjs_state: a fake engine state's moving statistics round-trip and drive tfjs' inference", async () => {
  await useCpu();
  const plan = planTraining(ARCH, 2);
  assert.deepEqual(plan.state.map((s) => s.name), ["1/moving_mean", "1/moving_variance"]);
  const random = mulberry32(3);
  const fake = (n: number, lo: number, span: number) =>
    Float32Array.from({ length: n }, () => lo + random() * span);
  const engine = {
    params: fake(plan.paramCount, -0.5, 1),
    slots: [fake(plan.paramCount, -1e-3, 2e-3), fake(plan.paramCount, 0, 1e-5)],
    accBeta: [0.9 ** 3, 0.999 ** 3] as [number, number],
    state: Float32Array.of(...fake(784, 0, 0.5), ...fake(784, 0.2, 2)),
  };
  const model = buildModel(ARCH, { seed: 1 });
  const optimizer = tf.train.adam(0.001, 0.9, 0.999, 1e-7);
  writeTrainingState(model, optimizer, SPEC, plan, engine, 3);
  const back = readTrainingState(model, optimizer, SPEC, plan);
  assert.deepEqual(back.state, engine.state);
  assert.deepEqual(back.params, engine.params);
  const moving = model.nonTrainableWeights.map((w) => w.read().dataSync());
  assert.deepEqual([...moving[0]!], [...engine.state.subarray(0, 784)]);
  assert.deepEqual([...moving[1]!], [...engine.state.subarray(784)]);

  // Inference: y = γ(x − moving mean) / √(moving variance + ε) + β, then the dense softmax.
  const pixels = fake(784, 0, 1);
  const probabilities = tf.tidy(() =>
    (model.predict(tf.tensor4d(pixels, [1, 28, 28, 1])) as tf.Tensor).dataSync()
  );
  const [gamma, beta, kernel, bias] = plan.params.map((p) =>
    engine.params.subarray(p.offset, p.offset + p.length)
  );
  const normalised = Array.from(
    pixels,
    (v, i) =>
      gamma![i]! * (v - engine.state[i]!) / Math.sqrt(engine.state[784 + i]! + 0.01) + beta![i]!,
  );
  const logits = Array.from(
    { length: 10 },
    (_, u) => normalised.reduce((sum, v, i) => sum + v * kernel![i * 10 + u]!, bias![u]!),
  );
  const max = Math.max(...logits);
  const total = logits.reduce((s, v) => s + Math.exp(v - max), 0);
  logits.forEach((v, u) => {
    const expected = Math.exp(v - max) / total;
    assert.ok(Math.abs(probabilities[u]! - expected) < 1e-5, `class ${u}`);
  });
  model.dispose();
  optimizer.dispose();
});

Deno.test("tfjs_state: a packed state of the wrong length is refused before any weight moves", async () => {
  await useCpu();
  const plan = planTraining(ARCH, 2);
  const model = buildModel(ARCH, { seed: 1 });
  const optimizer = tf.train.adam(0.001, 0.9, 0.999, 1e-7);
  const before = readTrainingState(model, optimizer, SPEC, plan);
  const state = { ...before, params: before.params.map((v) => v + 1), state: new Float32Array(0) };
  assert.throws(
    () => writeTrainingState(model, optimizer, SPEC, plan, state, 1),
    /packed state holds 0 values, the state-round-trip plan 1568/,
  );
  assert.deepEqual(readTrainingState(model, optimizer, SPEC, plan).params, before.params);
  model.dispose();
  optimizer.dispose();
});
