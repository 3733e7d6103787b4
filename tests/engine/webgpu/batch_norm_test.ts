/**
 * The WebGPU engine's batchNorm kind, driven directly (the vocabulary still keeps batchNorm
 * off the engine in `auto`): one training step on both tunings against the float64 reference
 * (loss, every gradient, the update, and the moving statistics written into `state`); the
 * batch statistics of a 28 × 28 conv output at batch 300 (235,200 values a channel, split
 * reductions) against float64 sums of the conv's own output; inference against the tfjs
 * model's `predict` with moving statistics written in; and the loop budget up to batch 4,096.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../../lib/models/architecture.ts";
import { planTraining, type TrainingPlan } from "../../../lib/engine/plan.ts";
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
import { relativeError } from "../_engine_test_utils.ts";

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
