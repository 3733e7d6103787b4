import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { createFusedOptimizer } from "../../../lib/backend/webgpu/fused_optimizers.ts";
import { RAW_PIPELINE_LABEL } from "../../../lib/backend/webgpu/_raw_dispatch.ts";
import { assertClose, HAS_WEBGPU, randomHost, toTensor, useBackend } from "./_gpu_test_utils.ts";

const RATES = [0.01, 0.003, 0.001, 0.0003];
let unique = 0;

function setRate(optimizer: tf.Optimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

/** Four steps of one variable with a decaying learning rate; returns its final values. */
async function schedule(
  backend: "cpu" | "webgpu",
  make: () => tf.Optimizer,
): Promise<{ shape: number[]; values: Float32Array }> {
  await useBackend(backend);
  const v = tf.variable(toTensor(randomHost([16], 9)), true, `sched_${++unique}`);
  const optimizer = make();
  for (const [step, rate] of RATES.entries()) {
    setRate(optimizer, rate);
    const g = randomHost([16], 40 + step);
    tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: toTensor(g) }]));
  }
  const values = Float32Array.from(await v.data());
  optimizer.dispose();
  v.dispose();
  return { shape: [16], values };
}

/** Counts calls of `target[method]` (those whose `this` passes `only`, when given). */
function count<T extends object>(
  target: T,
  method: keyof T,
  only: (self: unknown) => boolean = () => true,
): { calls: number; restore(): void } {
  const original = target[method] as (...args: unknown[]) => unknown;
  const counter = {
    calls: 0,
    restore: () => void (target[method] = original as T[keyof T]),
  };
  target[method] = function (this: unknown, ...args: unknown[]) {
    if (only(this)) counter.calls++;
    return original.apply(this, args);
  } as T[keyof T];
  return counter;
}

for (const name of ["rmsprop", "adam"] as const) {
  Deno.test({
    name: `fused ${name}: a learning-rate schedule matches tfjs and compiles no new pipeline`,
    ignore: !HAS_WEBGPU,
    async fn() {
      const stock = () =>
        name === "adam"
          ? tf.train.adam(0.01, 0.9, 0.999, 1e-7)
          : tf.train.rmsprop(0.01, 0.9, 0, 1e-7);
      const expected = await schedule("cpu", stock);
      await schedule("webgpu", () => createFusedOptimizer(name, 0.01)); // compiles
      const device = (tf.backend() as unknown as { device: GPUDevice }).device;
      const pipelines = count(device, "createComputePipeline");
      const ours = (self: unknown) => (self as GPUComputePipeline).label === RAW_PIPELINE_LABEL;
      const layouts = count(GPUComputePipeline.prototype, "getBindGroupLayout", ours);
      try {
        const actual = await schedule("webgpu", () => createFusedOptimizer(name, 0.01));
        assertClose(actual, expected);
        assert.equal(pipelines.calls, 0, "a rate change compiled a pipeline");
        assert.equal(layouts.calls, 0, "getBindGroupLayout ran again for a cached pipeline");
      } finally {
        pipelines.restore();
        layouts.restore();
      }
    },
  });
}

Deno.test({
  name: "a data() in flight across a fused update does not cache the values it read",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    const v = tf.variable(tf.zeros([8]), true, `sched_${++unique}`);
    const optimizer = createFusedOptimizer("rmsprop", 0.01);
    const step = () =>
      tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: tf.onesLike(v) }]));
    step(); // v now lives on the GPU only
    const inFlight = v.data(); // queued before the next update
    step();
    const before = await inFlight;
    const after = await v.data();
    assert.notEqual(after[0], before[0], "the second read returned the stale cached copy");
    optimizer.dispose();
    v.dispose();
  },
});

Deno.test({
  name: "tf.profile lists the fused optimizers' raw dispatches as kernels",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    const vars = [[4, 4], [6]].map((shape, i) =>
      tf.variable(toTensor(randomHost(shape, i)), true, `sched_${++unique}`)
    );
    for (const name of ["rmsprop", "adam"] as const) {
      const optimizer = createFusedOptimizer(name, 0.01);
      const info = await tf.profile(() =>
        tf.tidy(() =>
          optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) })))
        )
      );
      const names = info.kernels.map((k) => k.name);
      const update = name === "adam" ? "FusedAdamUpdate" : "FusedRMSPropUpdate";
      assert.equal(names.filter((n) => n === update).length, 2, names.join(", "));
      for (const k of info.kernels) assert.equal(typeof k.kernelTimeMs, "number");
      optimizer.dispose();
    }
    tf.dispose(vars);
  },
});
