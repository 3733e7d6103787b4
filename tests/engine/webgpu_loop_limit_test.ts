/**
 * llvmpipe's loop budget: the cost model measured on the adapter itself, every generated
 * kernel of both tunings within it for the four architectures up to batch 4,096, the
 * executor's refusal of a kernel over
 * it, and a filter gradient that went past it before (batch 600) against the reference.
 */
import assert from "node:assert/strict";
import { ARCHITECTURE_NAMES, getArchitecture } from "../../lib/models/architectures.ts";
import type { Architecture } from "../../lib/models/architecture.ts";
import { planTraining } from "../../lib/engine/plan.ts";
import { forwardKernels } from "../../lib/engine/webgpu/_kernels_forward.ts";
import { backwardKernels } from "../../lib/engine/webgpu/_kernels_backward.ts";
import {
  checkLoopLimit,
  LLVMPIPE_LOOP_LIMIT,
  LoopLimitError,
  nestPasses,
} from "../../lib/engine/webgpu/_loop_limit.ts";
import { runEngineCheck } from "../../lib/engine/check/engine_check.ts";
import { checkDevice } from "../../lib/engine/check/_check_device.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";

const BATCHES = [64, 512, 1024, 2048, 4096];

Deno.test("loop budget: every engine kernel of both tunings fits, four architectures to batch 4,096", () => {
  for (const name of ARCHITECTURE_NAMES) {
    for (const batch of BATCHES) {
      const plan = planTraining(name, batch);
      for (const tuning of ["cpu", "gpu"] as const) {
        const kernels = [...forwardKernels(plan, batch, tuning), ...backwardKernels(plan, tuning)];
        assert.doesNotThrow(() => checkLoopLimit(kernels), `${name} b${batch} ${tuning}`);
      }
    }
  }
});

Deno.test("loop budget: the executor's check names the kernel over it", () => {
  const kernel = {
    label: "conv9_dw",
    code: "",
    bindings: [],
    groups: [1, 1] as [number, number],
    workgroupSize: 8,
    flops: 0,
    bytes: 0,
  };
  assert.throws(
    () => checkLoopLimit([{ ...kernel, serialLoop: LLVMPIPE_LOOP_LIMIT + 1 }]),
    (e: Error) => e instanceof LoopLimitError && /conv9_dw .* 65536 times/.test(e.message),
  );
  assert.doesNotThrow(() => checkLoopLimit([{ ...kernel, serialLoop: LLVMPIPE_LOOP_LIMIT }]));
});

/** Runs one invocation row of `code` and returns what its first lane wrote. */
async function probe(device: GPUDevice, body: string): Promise<number> {
  const code = `@group(0) @binding(0) var<storage, read_write> o: array<u32>;
@compute @workgroup_size(8) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var c = 0u;
  ${body}
  o[gid.x] = c;
}`;
  const pipeline = device.createComputePipeline({
    layout: "auto",
    compute: { module: device.createShaderModule({ code }), entryPoint: "main" },
  });
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
  const out = device.createBuffer({ size: 32, usage });
  const read = device.createBuffer({
    size: 32,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: out } }],
    }),
  );
  pass.dispatchWorkgroups(1);
  pass.end();
  encoder.copyBufferToBuffer(out, 0, read, 0, 32);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const value = new Uint32Array(read.getMappedRange())[0]!;
  read.unmap();
  out.destroy();
  read.destroy();
  return value;
}

Deno.test({
  name: "loop budget: the cost model is what llvmpipe does (nested and consecutive loops)",
  ignore: !HAS_WEBGPU,
  fn: async () => {
    const gpu = (await checkDevice())!;
    try {
      if (!/llvmpipe/i.test(gpu.description)) return; // other adapters have no such budget
      // 300 × 217 inner iterations cost 300·218 + 301 passes > 65,535: llvmpipe stops after
      // 299 outer rounds (each 219 passes) and 54 more inner iterations.
      assert.ok(nestPasses([300, 217]) > LLVMPIPE_LOOP_LIMIT);
      const nested = await probe(
        gpu.device,
        "for (var a = 0u; a < 300u; a++) { for (var k = 0u; k < 217u; k++) { c += 1u; } }",
      );
      assert.equal(nested, 299 * 217 + (LLVMPIPE_LOOP_LIMIT - 299 * 219));
      const fits = await probe(
        gpu.device,
        "for (var a = 0u; a < 290u; a++) { for (var k = 0u; k < 223u; k++) { c += 1u; } }",
      );
      assert.ok(nestPasses([290, 223]) <= LLVMPIPE_LOOP_LIMIT);
      assert.equal(fits, 290 * 223);
      const consecutive = await probe(
        gpu.device,
        "for (var k = 0u; k < 40000u; k++) { c += 1u; } for (var k = 0u; k < 40000u; k++) { c += 1u; }",
      );
      assert.equal(consecutive, 40_000 + (LLVMPIPE_LOOP_LIMIT - nestPasses([40_000])));
    } finally {
      gpu.device.destroy();
    }
  },
});

const ONE_CONV: Architecture = {
  ...getArchitecture("cnn-basic"),
  name: "one-conv",
  layers: [
    { type: "conv2d", filters: 8, kernelSize: 3, padding: "same" },
    { type: "flatten" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
};

Deno.test({
  name: "loop budget: a padded first conv's filter gradient at batch 600 matches the reference",
  ignore: !HAS_WEBGPU,
  fn: async () => {
    // Before the budget, its llvmpipe kernel took 55 images a thread: 89k passes, 9 % off.
    const gpu = (await checkDevice())!;
    try {
      const report = await runEngineCheck({
        arch: ONE_CONV,
        batchSize: 600,
        engines: ["webgpu"],
        tunings: ["cpu"],
        gpu,
      });
      assert.ok(report.ok, `${report.rows[0]!.worst.tensor}: ${report.rows[0]!.worst.error}`);
    } finally {
      gpu.device.destroy();
    }
  },
});
