import { getArchitecture } from "../../lib/models/architectures.ts";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { GpuError } from "../../lib/errors.ts";
import { userMessage } from "../../lib/cli/run_task.ts";
import { guardWebGpuBackend } from "../../lib/backend/webgpu/gpu_errors.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { createOptimizer } from "../../lib/train/optimizer.ts";
import { createTfjsRunner } from "../../lib/train/tfjs_runner.ts";
import { mulberry32 } from "../../lib/random.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { HAS_WEBGPU, useBackend } from "../backend/webgpu/_gpu_test_utils.ts";

function device(): GPUDevice {
  return (tf.backend() as unknown as { device: GPUDevice }).device;
}

/** A call WebGPU rejects with a validation error (MAP_READ cannot go with STORAGE). */
function injectValidationError(): void {
  device().createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
}

function runner(count: number, batchSize: number, learningRate = 0.001) {
  const model = buildModel("mlp", { seed: 3 });
  const optimizer = createOptimizer("adam", learningRate);
  const train = syntheticSplit(count, 4);
  const run = createTfjsRunner({
    arch: getArchitecture("mlp"),
    model,
    optimizer,
    train,
    batchSize,
  });
  return { model, optimizer, run };
}

Deno.test({
  name: "fitEpoch() on webgpu trains on a dataset larger than the device's binding limit",
  ignore: !HAS_WEBGPU,
  async fn(t) {
    await useBackend("webgpu");
    const limit = device().limits.maxStorageBufferBindingSize;
    const count = Math.ceil(limit / (784 * 4)) + 500; // its float32 images exceed the limit
    if (count > 200_000) {
      // A GPU with a multi-GB limit would need a dataset too large for a unit test.
      await t.step({
        name: `skipped: limit ${limit} B needs ${count} images`,
        ignore: true,
        fn() {},
      });
      return;
    }
    assert.ok(count * 784 * 4 > limit);
    const { model, optimizer, run } = runner(count, 256, 0.01);
    // The first 24 steps are enough (a full epoch takes minutes on llvmpipe): the shuffled
    // batches come from the whole set, up to its last rows.
    const controller = new AbortController();
    const seen: { loss: number; acc: number }[] = [];
    const result = await run.runEpoch({
      epoch: 1,
      epochs: 1,
      random: mulberry32(1),
      progressUpdates: Math.floor(count / 256 / 8),
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (seen.length === 3) controller.abort();
      },
    });
    assert.equal(result.aborted, true);
    // Garbage input (zeros) keeps the loss at ln 10 ≈ 2.30 and the accuracy at chance.
    const last = seen.at(-1)!;
    assert.ok(last.loss > 0 && last.loss < 1.5, `loss ${seen.map((s) => s.loss).join(", ")}`);
    assert.ok(last.acc > 0.5, `accuracy ${last.acc}`);
    run.dispose();
    optimizer.dispose();
    model.dispose();
  },
});

Deno.test({
  name: "fitEpoch() on webgpu turns a WebGPU validation error into a GpuError",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    const { model, optimizer, run } = runner(256, 32);
    let reports = 0;
    await assert.rejects(
      run.runEpoch({
        epoch: 1,
        epochs: 1,
        random: mulberry32(1),
        progressUpdates: 4,
        // Lands in the error scope of the next stretch of steps.
        onProgress: () => void (reports++ === 0 && injectValidationError()),
      }),
      (error) =>
        error instanceof GpuError && /validation/.test(error.message) &&
        /MAP/.test(error.message) && /epoch 1, step 4/.test(error.message),
    );
    assert.equal(reports, 1);
    // The device's error-scope stack is balanced again: a new epoch runs clean.
    const next = await run.runEpoch({
      epoch: 2,
      epochs: 2,
      random: mulberry32(2),
      progressUpdates: 1,
    });
    assert.equal(next.aborted, false);
    run.dispose();
    optimizer.dispose();
    model.dispose();
  },
});

Deno.test({
  name: "a guarded webgpu backend throws GpuError on the readback after an uncaptured error",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    guardWebGpuBackend(tf.backend());
    const x = tf.add(tf.ones([4]), 1);
    injectValidationError();
    await assert.rejects(x.data(), (e) => e instanceof GpuError && /MAP/.test(e.message));
    // Reported once: the next readback is clean.
    assert.deepEqual(Array.from(await x.data()), [2, 2, 2, 2]);
    x.dispose();
  },
});

Deno.test("a GpuError is a user-facing error: one line, no stack trace, exit 2 in the tasks", () => {
  const error = new GpuError("WebGPU validation error: too big (during training epoch 1, step 4)");
  assert.equal(userMessage(error), error.message);
});
