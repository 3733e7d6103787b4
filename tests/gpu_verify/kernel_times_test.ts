import assert from "node:assert/strict";
import { selectBackend } from "../../lib/backend/select_backend.ts";
import { kernelTimes } from "../../lib/gpu_verify/_kernel_times.ts";
import { readbackCost } from "../../lib/gpu_verify/_readback.ts";
import { syntheticMnist } from "../../lib/gpu_verify/_synthetic_mnist.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";

const adapter = HAS_WEBGPU ? await navigator.gpu.requestAdapter() : null;
const TIMESTAMPS = adapter?.features.has("timestamp-query") ?? false;

Deno.test({
  name: "kernelTimes() gives every dispatch of a compiled step its GPU time, in dispatch order",
  ignore: !TIMESTAMPS,
  async fn() {
    await selectBackend("cpu"); // the model's initial weights; the step runs on `device`
    const device = await adapter!.requestDevice({ requiredFeatures: ["timestamp-query"] });
    const { train } = syntheticMnist(16, 1);
    const times = await kernelTimes(device, train, { arch: "mlp", batch: 8, steps: 2 });
    const labels = times.map((t) => t.kernel);
    // The step's own order: the batch is gathered first.
    assert.equal(labels[0], "gather");
    assert.ok(labels.includes("update"), labels.join());
    assert.ok(labels.includes("softmax_loss") && labels.includes("dense1_dw"), labels.join());
    for (const t of times) {
      assert.ok(t.workgroups >= 1, JSON.stringify(t));
      assert.ok(Number.isFinite(t.microseconds) && t.microseconds >= 0, JSON.stringify(t));
    }
    assert.ok(times.some((t) => t.microseconds > 0), "the GPU clock moved");
  },
});

Deno.test({
  name: "readbackCost() times each readback and reports the median",
  ignore: !HAS_WEBGPU,
  async fn() {
    const device = await adapter!.requestDevice();
    const cost = await readbackCost(device, 3);
    assert.equal(cost.samples.length, 3);
    assert.equal(cost.ms, [...cost.samples].sort((a, b) => a - b)[1]);
    assert.ok(cost.samples.every((ms) => ms > 0));
  },
});
