import assert from "node:assert/strict";
import { HAS_WEBGPU, useBackend } from "../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { benchEngine } from "../../lib/bench/bench_engine.ts";

Deno.test({
  name: "benchEngine: both engines on webgpu, with the counters that tell them apart",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await useBackend("webgpu");
    const train = syntheticSplit(64);
    const options = { arch: "mlp", batchSize: 16, steps: 3, warmupSteps: 1, counters: true };
    const compiled = await benchEngine(train, { ...options, engine: "compiled" });
    const tfjs = await benchEngine(train, { ...options, engine: "tfjs" });
    assert.equal(compiled.engine, "compiled");
    assert.equal(tfjs.engine, "tfjs");
    assert.equal(compiled.steps, 3);
    assert.ok(compiled.msPerStep > 0);
    assert.equal(compiled.counters!.submitsPerStep, 1);
    assert.equal(compiled.counters!.bindGroupsPerStep, 0);
    assert.equal(compiled.counters!.pipelinesAfterWarmup, 0);
    assert.ok(compiled.counters!.dispatchesPerStep <= 12);
    assert.ok(tfjs.counters!.bindGroupsPerStep > 10, "tfjs binds per kernel");
    await useBackend("cpu");
  },
});
