/**
 * batchNorm on the CPU engine (driven directly: engine_vocabulary still keeps it off the
 * engine for `auto`): one step against the float64 reference at 1, 2 and 3 threads, the
 * phases' determinism, the inference pass against tfjs' predict, and a first epoch against
 * the tfjs path, the moving statistics written back into the model.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../../lib/models/architecture.ts";
import { planTraining, type TrainingPlan } from "../../../lib/engine/plan.ts";
import { referenceStep } from "../../../lib/engine/reference/reference_step.ts";
import { createCpuEngine } from "../../../lib/engine/wasm/cpu_engine.ts";
import { createWasmEngineRunner } from "../../../lib/engine/wasm/create_wasm_runner.ts";
import { writeTrainingState } from "../../../lib/engine/tfjs_state.ts";
import { createTfjsRunner } from "../../../lib/train/tfjs_runner.ts";
import { mulberry32 } from "../../../lib/random.ts";
import { syntheticSplit, useCpu } from "../../_synthetic.ts";
import {
  assertStatesClose,
  relativeError,
  runEpochs,
  runnerInput,
  stateOf,
} from "../_engine_test_utils.ts";
import { buildModel } from "../../../lib/models/build_model.ts";
import { loadSplit } from "./_reference.ts";

/** batchNorm on the images (no gradient below it), on conv channels and on dense features. */
const BN: Architecture = {
  name: "wasm-batch-norm",
  description: "batchNorm first, after a conv, after a dense",
  seeds: [],
  layers: [
    { type: "batchNorm", momentum: 0.9 },
    // "same": the zero padding keeps the first batchNorm's β from cancelling out in the next.
    // 20 channels: the kernels' 16-channel blocks with a row stride above 16, then 4 at a time.
    {
      type: "conv2d",
      filters: 20,
      kernelSize: 3,
      padding: "same",
      useBias: false,
      activation: "linear",
    },
    { type: "batchNorm", epsilon: 0.01 },
    { type: "activation", activation: "relu" },
    { type: "maxPool", poolSize: 2 },
    { type: "flatten" },
    { type: "dense", units: 12, activation: "tanh" },
    { type: "batchNorm", momentum: 0.5 },
    { type: "dropout", rate: 0 },
    { type: "dense", units: 10, activation: "softmax" },
  ],
  recipe: { optimizer: "rmsprop", learningRate: 1e-3, batchSize: 8, epochs: 1 },
  seedAccuracy: [],
  expectedParams: 0,
};

const SGD = { kind: "sgd", learningRate: 0.1 } as const;

/** Parameters around 0 (gammas around 1) and moving statistics off their initial values. */
function draw(plan: TrainingPlan) {
  const random = mulberry32(5);
  const params = Float32Array.from({ length: plan.paramCount }, () => (random() - 0.5) * 0.4);
  for (const p of plan.params.filter((p) => p.name.endsWith("/gamma"))) {
    for (let k = 0; k < p.length; k++) params[p.offset + k] = 0.5 + random();
  }
  const state = Float32Array.from({ length: plan.stateCount }, (_, i) => 0.5 + random() + i % 2);
  return { params, state };
}

/** One engine step of `n` samples from the drawn state: what it computed. */
async function engineStep(n: number, threads: number) {
  const engine = await createCpuEngine({
    arch: BN,
    batchSize: 8,
    samples: n,
    threads,
    optimizer: SGD,
  });
  try {
    const { params, state } = draw(engine.plan);
    engine.params.set(params);
    engine.state.set(state);
    loadSplit(engine, syntheticSplit(n, 2));
    engine.step(n, 0, [1]);
    const { loss } = engine.takeSums();
    return {
      loss,
      grads: engine.gradient.slice(),
      params: engine.params.slice(),
      state: engine.state.slice(),
    };
  } finally {
    engine.dispose();
  }
}

for (const threads of [1, 2, 3]) {
  Deno.test(`cpu engine batchNorm: a step matches the float64 reference (${threads} threads)`, async () => {
    const plan = planTraining(BN, 7); // a tail batch of 7 of 8: uneven chunks
    const { params, state } = draw(plan);
    const split = syntheticSplit(7, 2);
    const expected = referenceStep({
      plan,
      optimizer: SGD,
      state: {
        params: Float64Array.from(params),
        slots: [],
        accBeta: [1, 1],
        state: Float64Array.from(state),
      },
      images: split.images,
      labels: split.labels,
    });
    const actual = await engineStep(7, threads);
    assert.ok(
      Math.abs(actual.loss / expected.lossSum - 1) <= 1e-5,
      `loss ${actual.loss} vs ${expected.lossSum}`,
    );
    for (const p of plan.params) {
      const [from, to] = [p.offset, p.offset + p.length];
      const e = relativeError(
        actual.grads.subarray(from, to),
        Float32Array.from(expected.grads.subarray(from, to)),
        p.name,
      );
      assert.ok(e <= 1e-4, `${p.name}: gradient relative error ${e}`);
    }
    const e = relativeError(actual.params, Float32Array.from(expected.after.params), "params");
    assert.ok(e <= 1e-5, `parameters after the update: relative error ${e}`);
    const s = relativeError(actual.state, Float32Array.from(expected.after.state), "state");
    assert.ok(s <= 1e-5, `moving statistics: relative error ${s}`);
    assert.ok(relativeError(actual.state, state, "moved") > 1e-3, "the step moved no statistic");
  });
}

Deno.test("cpu engine batchNorm: the phases' sums do not depend on which thread ran what", async () => {
  const [a, b] = [await engineStep(8, 2), await engineStep(8, 2)];
  assert.deepEqual(a, b);
  // 1 thread runs 1 chunk, 2 threads 6: the partial sums differ only in rounding.
  const one = await engineStep(8, 1);
  assert.ok(relativeError(one.grads, a.grads, "1 vs 2 threads") <= 1e-5);
});

Deno.test("cpu engine batchNorm: infer normalises with the moving statistics, as tfjs predict", async () => {
  await useCpu();
  const engine = await createCpuEngine({
    arch: BN,
    batchSize: 8,
    samples: 16,
    threads: 2,
    optimizer: SGD,
  });
  const model = buildModel(BN, { seed: 1 });
  const optimizer = tf.train.sgd(0);
  try {
    const { params, state } = draw(engine.plan);
    engine.params.set(params);
    engine.state.set(state);
    loadSplit(engine, syntheticSplit(16, 4));
    engine.step(8, 0, [1]);
    engine.step(8, 8, [2]);
    const test = syntheticSplit(11, 6); // a full batch and a tail of 3
    const probs = engine.infer(test.images, 11);
    const packed = {
      params: engine.params.slice(),
      slots: [],
      accBeta: [1, 1] as [number, number],
    };
    writeTrainingState(model, optimizer, SGD, engine.plan, {
      ...packed,
      state: engine.state.slice(),
    }, 0);
    const x = tf.tensor4d(Float32Array.from(test.images, (v) => v / 255), [11, 28, 28, 1]);
    const expected = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    x.dispose();
    const worst = probs.reduce((m, p, i) => Math.max(m, Math.abs(p - expected[i]!)), 0);
    assert.ok(worst <= 1e-4, `largest difference ${worst}`);
  } finally {
    engine.dispose();
    model.dispose();
    optimizer.dispose();
  }
});

Deno.test("cpu engine batchNorm: a first epoch matches the tfjs path, moving statistics included", async () => {
  await useCpu();
  const train = syntheticSplit(40, 3);
  const tfjsInput = runnerInput(BN, train, 8);
  const [expected] = await runEpochs(createTfjsRunner(tfjsInput), 1);
  const moving = (input: typeof tfjsInput) =>
    input.model.nonTrainableWeights.map((w) => w.read().dataSync() as Float32Array);
  const [state, stats] = [await stateOf(tfjsInput), moving(tfjsInput)];
  tfjsInput.model.dispose();
  const input = runnerInput(BN, train, 8);
  const runner = await createWasmEngineRunner(input, { architecture: BN, threads: 2 });
  try {
    const [actual] = await runEpochs(runner, 1);
    await runner.sync();
    assert.ok(!expected!.aborted && !actual!.aborted);
    assert.ok(
      Math.abs(actual!.loss / expected!.loss - 1) <= 1e-3,
      `loss ${actual!.loss} vs ${expected!.loss}`,
    );
    assertStatesClose(await stateOf(input), state, 1e-3);
    moving(input).forEach((m, i) => {
      const e = relativeError(m, stats[i]!, `moving statistic ${i}`);
      assert.ok(e <= 1e-4, `moving statistic ${i}: relative error ${e}`);
    });
  } finally {
    runner.dispose();
    input.model.dispose();
  }
});
