/**
 * The WebGPU engine's batchNorm kind, driven directly (the vocabulary still keeps batchNorm
 * off the engine in `auto`): one training step on both tunings against the float64 reference
 * (loss, every gradient, the update, and the moving statistics written into `state`); the
 * batch statistics of a 28 × 28 conv output at batch 300 (235,200 values a channel, split
 * reductions) against float64 sums of the conv's own output; inference against the tfjs
 * model's `predict` with moving statistics written in; the loop budget up to batch 4,096; and a
 * first epoch through the runner against the tfjs path (weights, slots, moving statistics).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../../lib/models/architecture.ts";
import { initialState, planTraining, type TrainingPlan } from "../../../lib/engine/plan.ts";
import { checkInputs, referenceInput } from "../../../lib/engine/check/_check_inputs.ts";
import { runEngineCheck } from "../../../lib/engine/check/engine_check.ts";
import { referenceStep } from "../../../lib/engine/reference/reference_step.ts";
import { createWebGpuExecutor } from "../../../lib/engine/webgpu/executor.ts";
import { engineDevice } from "../../../lib/engine/webgpu/engine_device.ts";
import { stepKernels } from "../../../lib/engine/webgpu/step_kernels.ts";
import { checkLoopLimit } from "../../../lib/engine/webgpu/_loop_limit.ts";
import { writeTrainingState } from "../../../lib/engine/tfjs_state.ts";
import { buildModel } from "../../../lib/models/build_model.ts";
import { imagesToTensor } from "../../../lib/data/tensors.ts";
import { mulberry32 } from "../../../lib/random.ts";
import { HAS_WEBGPU } from "../../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit, useCpu } from "../../_synthetic.ts";
import {
  assertStatesClose,
  relativeError,
  runEpochs,
  runnerInput,
  stateOf,
} from "../_engine_test_utils.ts";
import { createTfjsRunner } from "../../../lib/train/tfjs_runner.ts";
import { createWebGpuEngineRunner } from "../../../lib/engine/webgpu/create_webgpu_runner.ts";

/** batchNorm on a conv's channels (after a bias-free conv, before a ReLU) and on features. */
const BN: Architecture = {
  name: "webgpu-batch-norm",
  description: "batchNorm on conv channels and on dense features",
  seeds: [],
  layers: [
    { type: "conv2d", filters: 4, kernelSize: 3, strides: 2, useBias: false, activation: "relu" },
    { type: "batchNorm", momentum: 0.9, epsilon: 1e-3 },
    { type: "maxPool", poolSize: 2 },
    { type: "flatten" },
    { type: "dense", units: 12, activation: "tanh" },
    { type: "batchNorm", epsilon: 0.01 },
    { type: "dense", units: 10, activation: "softmax" },
  ],
  recipe: { optimizer: "rmsprop", learningRate: 0.001, batchSize: 16, epochs: 1 },
  seedAccuracy: [],
  expectedParams: 0,
};

const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !HAS_WEBGPU, sanitizeResources: false, sanitizeOps: false, fn });

/** One step on the executor from the check's inputs; what it wrote back. */
async function engineStep(plan: TrainingPlan, tuning: "cpu" | "gpu") {
  const inputs = checkInputs(plan, { kind: "sgd", learningRate: 0.1 }, 3);
  const n = plan.batchSize;
  const executor = await createWebGpuExecutor({
    device: await engineDevice(),
    arch: BN,
    batchSize: n,
    optimizer: inputs.optimizer,
    train: { images: inputs.images, labels: inputs.labels, count: n },
    tuning,
  });
  try {
    executor.writeState(inputs);
    executor.beginEpoch(Int32Array.from({ length: n }, (_, i) => i), 1);
    executor.step(n);
    const grads = await executor.read("grads", plan.paramCount * 4);
    return { inputs, grads, state: await executor.read("state", plan.stateCount * 4) };
  } finally {
    executor.dispose();
  }
}

gpuTest("batchNorm (webgpu): a step on both tunings matches the float64 reference", async () => {
  const report = await runEngineCheck({
    arch: BN,
    batchSize: 16,
    engines: ["webgpu"],
    tunings: ["gpu", "cpu"],
    gpu: { device: await engineDevice(), description: "this runtime's adapter" },
  });
  for (const row of report.rows) {
    assert.ok(row.ok, `${row.tuning}: ${row.worst.tensor} ${row.worst.error}`);
  }
  assert.equal(report.rows.length, 2);
});

gpuTest("batchNorm (webgpu): the moving statistics move as the reference's", async () => {
  const plan = planTraining(BN, 16);
  for (const tuning of ["gpu", "cpu"] as const) {
    const { inputs, grads, state } = await engineStep(plan, tuning);
    const ref = referenceStep(referenceInput(plan, inputs, () => true));
    const moved = relativeError(state, Float32Array.from(ref.after.state), "state");
    assert.ok(moved <= 1e-5, `${tuning}: moving statistics off by ${moved}`);
    assert.ok(state.some((v, i) => v !== inputs.state[i]), `${tuning}: state unchanged`);
    for (const p of plan.params.filter((p) => /gamma|beta/.test(p.name))) {
      const slice = (g: ArrayLike<number>) =>
        Float32Array.from({ length: p.length }, (_, k) => g[p.offset + k]!);
      const e = relativeError(slice(grads), slice(ref.grads), p.name);
      assert.ok(e <= 1e-3, `${tuning} ${p.name}: relative error ${e}`);
    }
  }
});

/** A conv's 28 × 28 output normalised: 300 · 784 = 235,200 values a channel. */
const WIDE: Architecture = {
  ...BN,
  name: "webgpu-batch-norm-wide",
  layers: [
    { type: "conv2d", filters: 4, kernelSize: 3, padding: "same", activation: "linear" },
    { type: "batchNorm" },
    { type: "activation", activation: "relu" },
    { type: "flatten" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
};

gpuTest(
  "batchNorm (webgpu): batch statistics of 235,200 values a channel are float64's",
  async () => {
    const batch = 300;
    const train = syntheticSplit(batch, 5);
    const executor = await createWebGpuExecutor({
      device: await engineDevice(),
      arch: WIDE,
      batchSize: batch,
      optimizer: { kind: "sgd", learningRate: 0 },
      train,
      tuning: "gpu",
    });
    const plan = executor.plan;
    const random = mulberry32(4);
    const params = Float32Array.from({ length: plan.paramCount }, () => random() - 0.3);
    executor.writeState({ params, slots: [], accBeta: [1, 1], state: initialState(plan) });
    executor.beginEpoch(Int32Array.from({ length: batch }, (_, i) => i), 1);
    executor.step(batch);
    const x = await executor.read("act:0", batch * 784 * 4 * 4);
    const [stats, state] = [await executor.read("bnStats:1", 32), await executor.read("state", 32)];
    executor.dispose();
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = c; k < x.length; k += 4) sum += x[k]!;
      const mean = sum / (x.length / 4);
      let squares = 0;
      for (let k = c; k < x.length; k += 4) squares += (x[k]! - mean) ** 2;
      const variance = squares / (x.length / 4);
      const std = Math.sqrt(variance);
      assert.ok(Math.abs(stats[c]! - mean) <= 1e-5 * (Math.abs(mean) + std), `mean ${c}`);
      const inv = 1 / Math.sqrt(variance + 1e-3);
      assert.ok(
        Math.abs(stats[4 + c]! / inv - 1) <= 1e-5,
        `invStd ${c}: ${stats[4 + c]} vs ${inv}`,
      );
      // Keras' momentum 0.99 from the initial 0 and 1.
      assert.ok(Math.abs(state[c]! - 0.01 * mean) <= 1e-6 * (Math.abs(mean) + std), `moving mean`);
      assert.ok(Math.abs(state[4 + c]! / (0.99 + 0.01 * variance) - 1) <= 1e-6, `moving var`);
    }
  },
);

gpuTest(
  "batchNorm (webgpu): infer() uses the moving statistics as tfjs' predict does",
  async () => {
    await useCpu();
    const plan = planTraining(BN, 8);
    const inputs = checkInputs(plan, { kind: "sgd", learningRate: 0.1 }, 5);
    const model = buildModel(BN, { seed: 2 });
    const optimizer = tf.train.sgd(0.1);
    writeTrainingState(model, optimizer, inputs.optimizer, plan, inputs, 0);
    const executor = await createWebGpuExecutor({
      device: await engineDevice(),
      arch: BN,
      batchSize: 8,
      optimizer: inputs.optimizer,
      train: syntheticSplit(8),
    });
    executor.writeState(inputs);
    const test = syntheticSplit(11, 6);
    const probs = await executor.infer(test.images, test.count);
    executor.dispose();
    const expected = tf.tidy(() =>
      (model.predict(imagesToTensor(test)) as tf.Tensor).dataSync() as Float32Array
    );
    model.dispose();
    let worst = 0;
    expected.forEach((e, i) => (worst = Math.max(worst, Math.abs(probs[i]! - e))));
    assert.ok(worst <= 1e-4, `worst difference ${worst}`);
  },
);

Deno.test("batchNorm (webgpu): every kernel of both tunings fits the loop budget to batch 4,096", () => {
  for (const arch of [BN, WIDE]) {
    for (const batch of [1, 64, 1024, 4096]) {
      for (const tuning of ["cpu", "gpu"] as const) {
        const kernels = stepKernels(
          planTraining(arch, batch),
          { kind: "sgd", learningRate: 1 },
          tuning,
        );
        assert.doesNotThrow(() => checkLoopLimit(kernels), `${arch.name} b${batch} ${tuning}`);
        // The batchNorm kernels loop at most MAX_LOOP (4,096) times a thread on any tuning.
        const norm = kernels.filter((k) => k.label.startsWith("batchNorm"));
        assert.ok(norm.length >= 8, `${arch.name}: ${norm.length} batchNorm kernels`);
        const longest = Math.max(...norm.map((k) => k.serialLoop));
        assert.ok(longest <= 4096, `${arch.name} b${batch} ${tuning}: ${longest}`);
      }
    }
  }
});

gpuTest("batchNorm (webgpu): a first epoch through the runner matches the tfjs path", async () => {
  await useCpu();
  const train = syntheticSplit(40, 3);
  const moving = (input: ReturnType<typeof runnerInput>) =>
    Float32Array.from(input.model.nonTrainableWeights.flatMap((w) => [...w.read().dataSync()]));
  const tfjsInput = runnerInput(BN, train, 8);
  const [expected] = await runEpochs(createTfjsRunner(tfjsInput), 1);
  const [state, stats] = [await stateOf(tfjsInput), moving(tfjsInput)];
  tfjsInput.model.dispose();
  const input = runnerInput(BN, train, 8);
  const runner = await createWebGpuEngineRunner(input, { architecture: BN });
  const [actual] = await runEpochs(runner, 1);
  await runner.sync();
  runner.dispose();
  assertStatesClose(await stateOf(input), state, 1e-3);
  const e = relativeError(moving(input), stats, "moving statistics");
  assert.ok(e <= 1e-4, `moving statistics: relative error ${e}`);
  input.model.dispose();
  assert.ok(!expected!.aborted && !actual!.aborted);
  assert.ok(
    Math.abs(actual!.loss / expected!.loss - 1) <= 0.01,
    `${actual!.loss} vs tfjs ${expected!.loss}`,
  );
});
