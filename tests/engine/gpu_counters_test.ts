import assert from "node:assert/strict";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { requestEngineDevice } from "../../lib/engine/webgpu/engine_device.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { createWebGpuExecutor } from "../../lib/engine/webgpu/executor.ts";
import { countGpuCalls } from "../../lib/engine/webgpu/gpu_counters.ts";
import { planTraining } from "../../lib/engine/plan.ts";

Deno.test({
  name: "gpu counters: a compiled step is one pass, one submit, no uploads or bind groups",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const device = await requestEngineDevice();
    const train = syntheticSplit(10);
    const optimizer = { kind: "sgd", learningRate: 0.1 } as const;
    const executor = await createWebGpuExecutor({
      device,
      arch: "mlp",
      batchSize: 4,
      optimizer,
      train,
    });
    const plan = planTraining("mlp", 4);
    executor.writeState({
      params: new Float32Array(plan.paramCount),
      slots: [],
      accBeta: [1, 1],
      state: new Float32Array(0),
    });
    const counter = countGpuCalls(device);
    executor.beginEpoch(Int32Array.from({ length: 10 }, (_, i) => i), 1);
    assert.equal(counter.counts.writeBuffers, 3, "an epoch starts with three uploads");
    counter.reset();
    executor.step(4);
    executor.step(4);
    executor.step(2, true);
    await executor.readSums();
    const c = counter.counts;
    assert.equal(c.dispatches, 3 * executor.dispatchesPerStep);
    assert.equal(c.submits, 3);
    assert.equal(c.writeBuffers, 0);
    assert.equal(c.bindGroups, 0);
    assert.equal(c.pipelines, 0, "the tail batch's program was compiled with the executor");
    assert.equal(c.mapAsyncs, 1);
    assert.ok(c.encodeMs > 0 && c.encodeMs < 1000);
    counter.restore();
    executor.step(4);
    assert.equal(counter.counts.submits, 3, "restored: no longer counting");
    executor.dispose();
    device.destroy();
  },
});
