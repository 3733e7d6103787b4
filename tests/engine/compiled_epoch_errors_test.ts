import assert from "node:assert/strict";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { requestEngineDevice } from "../../lib/engine/webgpu/engine_device.ts";
import { runCompiledEpoch, type Stepper } from "../../lib/engine/compiled_epoch.ts";
import { GpuError } from "../../lib/errors.ts";
import { mulberry32 } from "../../lib/random.ts";

Deno.test({
  name: "runCompiledEpoch: a WebGPU error during the steps is a GpuError at the progress point",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const device = await requestEngineDevice();
    let broken = false;
    const stepper: Stepper = {
      count: 8,
      batchSize: 4,
      device,
      beginEpoch: () => {},
      step: () => {
        // MAP_READ with STORAGE is invalid: a validation error, as a bad kernel would give.
        if (!broken) {
          device.createBuffer({ size: 3, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
        }
        broken = true;
      },
      readSums: () => Promise.resolve([1, 1]),
    };
    const args = { epoch: 1, epochs: 1, random: mulberry32(1), progressUpdates: 1 };
    await assert.rejects(
      () => runCompiledEpoch(stepper, args),
      (error: Error) => error instanceof GpuError && /WebGPU validation error/.test(error.message),
    );
  },
});

Deno.test("runCompiledEpoch: without a device (the wasm engine) no scopes are opened", async () => {
  const stepper: Stepper = {
    count: 8,
    batchSize: 4,
    beginEpoch: () => {},
    step: () => {},
    readSums: () => Promise.resolve([2, 8]),
  };
  const args = { epoch: 1, epochs: 1, random: mulberry32(1), progressUpdates: 1 };
  const result = await runCompiledEpoch(stepper, args);
  assert.equal(result.aborted, false);
  assert.equal(!result.aborted && result.acc, 1);
});
