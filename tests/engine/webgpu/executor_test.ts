/**
 * The executor's creation: importing the engine where WebGPU is absent throws nothing (the
 * browser app imports it before it knows), and the asynchronous pipeline builds report
 * their progress from 0 to every distinct pipeline of the step programs.
 */
import assert from "node:assert/strict";
import { HAS_WEBGPU } from "../../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit } from "../../_synthetic.ts";
import { engineDevice } from "../../../lib/engine/webgpu/engine_device.ts";
import { createWebGpuExecutor } from "../../../lib/engine/webgpu/executor.ts";
import { stepKernels } from "../../../lib/engine/webgpu/step_kernels.ts";
import { planTraining } from "../../../lib/engine/plan.ts";

Deno.test("engine (webgpu): its modules import without any WebGPU global", async () => {
  const modules = [
    "lib/engine/webgpu/executor.ts",
    "lib/engine/webgpu/create_webgpu_runner.ts",
    "lib/engine/check/_webgpu_step.ts",
  ].map((m) => new URL(`../../../${m}`, import.meta.url).href);
  const script = `for (const name of Object.getOwnPropertyNames(globalThis)) {
  if (name.startsWith("GPU")) delete globalThis[name];
}
Object.defineProperty(navigator, "gpu", { value: undefined });
for (const m of ${JSON.stringify(modules)}) await import(m);
console.log(typeof GPUBufferUsage, "imported");`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  const error = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
  assert.equal(text, "undefined imported", error);
});

Deno.test({
  name: "engine (webgpu): createWebGpuExecutor reports each distinct pipeline built",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const optimizer = { kind: "sgd", learningRate: 0.1 } as const;
    // 10 samples at batch 4: a full-batch program and a tail program.
    const train = syntheticSplit(10);
    const calls: [number, number][] = [];
    const executor = await createWebGpuExecutor(
      { device: await engineDevice(), arch: "mlp", batchSize: 4, optimizer, train, tuning: "gpu" },
      { onProgress: (done, total) => calls.push([done, total]) },
    );
    executor.dispose();
    const codes = new Set(
      [4, 2].flatMap((b) => stepKernels(planTraining("mlp", b), optimizer, "gpu", 4))
        .map((k) => k.code),
    );
    assert.deepEqual(calls, Array.from({ length: codes.size + 1 }, (_, i) => [i, codes.size]));
  },
});
