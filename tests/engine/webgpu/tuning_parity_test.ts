/**
 * The GPU tuning (split-K products, split filter gradients, tree reductions) against the
 * llvmpipe tuning, whose kernels the tfjs parity test checks, both on this machine's
 * WebGPU: one step of every architecture at batch 64 from the same weights, dropout on,
 * comparing the loss, the correct count and every gradient tensor. (After a few RMSprop
 * steps the weights are no test: a gradient near 0 divided by √(ms + ε) turns summation
 * order into 1e-3 relative differences.) cnn-deep takes ~10 s here, mostly building the
 * llvmpipe tuning's kernels. A run at batch 130 covers the loss summed over workgroups.
 */
import assert from "node:assert/strict";
import { HAS_WEBGPU } from "../../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit } from "../../_synthetic.ts";
import { engineDevice } from "../../../lib/engine/webgpu/engine_device.ts";
import { createWebGpuExecutor } from "../../../lib/engine/webgpu/executor.ts";
import { planTraining } from "../../../lib/engine/plan.ts";
import { mulberry32 } from "../../../lib/random.ts";
import { relativeError } from "../_engine_test_utils.ts";

/** Gradients here come out of sums of up to ~50k products in a different order. */
const TOLERANCE = 1e-5;

async function step(name: string, batch: number, tuning: "cpu" | "gpu") {
  const train = syntheticSplit(batch, 4);
  const optimizer = { kind: "sgd", learningRate: 0 } as const;
  const device = await engineDevice();
  const executor = await createWebGpuExecutor({
    device,
    arch: name,
    batchSize: batch,
    optimizer,
    train,
    tuning,
  });
  const random = mulberry32(9);
  // Glorot-sized weights (±0.1) and small biases, the same for both tunings.
  const params = Float32Array.from(
    { length: executor.plan.paramCount },
    () => (random() - 0.5) * 0.2,
  );
  executor.writeState({ params, slots: [], accBeta: [1, 1], state: new Float32Array(0) });
  executor.beginEpoch(Int32Array.from({ length: batch }, (_, i) => i), 3);
  executor.step(batch, true);
  const sums = await executor.readSums();
  const grads = await executor.read("grads", executor.plan.paramCount * 4);
  executor.dispose();
  return { sums, grads };
}

async function parity(name: string, batch: number): Promise<void> {
  const cpu = await step(name, batch, "cpu");
  const gpu = await step(name, batch, "gpu");
  assert.ok(Math.abs(gpu.sums[0] - cpu.sums[0]) <= TOLERANCE * cpu.sums[0], `${name}: loss`);
  assert.equal(gpu.sums[1], cpu.sums[1], `${name}: correct count`);
  for (const p of planTraining(name, batch).params) {
    const slice = (g: Float32Array) => g.subarray(p.offset, p.offset + p.length);
    const e = relativeError(slice(gpu.grads), slice(cpu.grads), p.name);
    assert.ok(slice(cpu.grads).some((g) => g !== 0), `${name} ${p.name}: all zero`);
    assert.ok(e <= TOLERANCE, `${name} ${p.name}: relative error ${e}`);
  }
}

for (const name of ["mlp", "cnn-basic", "cnn-wide", "cnn-deep"]) {
  Deno.test({
    name: `engine (webgpu): GPU-tuned ${name} gradients at batch 64 match the llvmpipe tuning`,
    ignore: !HAS_WEBGPU,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: () => parity(name, 64),
  });
}

Deno.test({
  name: "engine (webgpu): GPU-tuned mlp at batch 130 (loss summed over workgroups) matches",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => parity("mlp", 130),
});
