import assert from "node:assert/strict";
import { OCCUPANCY_TARGETS, occupancyPlan, renderOccupancy } from "../../lib/bench/occupancy.ts";
import { occupancyOptionsFromFlags } from "../../lib/bench/bench_flags.ts";
import { planTraining } from "../../lib/engine/plan.ts";
import { stepKernels } from "../../lib/engine/webgpu/step_kernels.ts";

const ARCHS = ["mlp", "cnn-basic", "cnn-wide", "cnn-deep"];
const SGD = { kind: "sgd", learningRate: 0.1 } as const;
const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("GPU tuning meets the H200 targets for every architecture at batch 64 and 1024", () => {
  for (const arch of ARCHS) {
    for (const batch of [64, 1024]) {
      const kernels = stepKernels(planTraining(arch, batch), SGD, "gpu");
      for (const k of kernels) {
        const where = `${arch} b${batch} ${k.label}`;
        if (k.flops > 1e6) assert.ok(k.groups[0] * k.groups[1] >= 264, where);
        assert.ok(k.serialLoop <= 4096, `${where}: loops ${k.serialLoop}`);
      }
      // The sums over the batch run in parallel: no invocation walks the whole batch.
      const overBatch = kernels.filter((k) => /^(softmax_loss|dense\d+_dw)$/.test(k.label));
      assert.ok(overBatch.length >= 2, `${arch}: ${overBatch.length}`);
      for (const k of overBatch) assert.ok(k.serialLoop < batch, `${arch} b${batch} ${k.label}`);
      assert.equal(occupancyPlan(arch, batch).breaches, 0, `${arch} b${batch}`);
    }
  }
});

Deno.test("the occupancy report marks the llvmpipe tuning's breaches", () => {
  const plan = occupancyPlan("cnn-deep", 1024, "cpu");
  const loss = plan.dispatches.find((d) => d.label === "softmax_loss")!;
  assert.deepEqual(loss.breaches, ["serialBatch"]);
  assert.equal(loss.workgroups, 1);
  assert.ok(plan.breaches > 3);
  const text = renderOccupancy(plan);
  assert.match(text, /^cnn-deep, batch 1024, CPU tuning: \d+ dispatches/);
  assert.match(text, /softmax_loss +1 +64 .*! serialBatch/);
  assert.equal(OCCUPANCY_TARGETS.minWorkgroups, 2 * 132);
});

Deno.test("bench --occupancy flags: all architectures at 64 and 1024 unless told", () => {
  assert.deepEqual(occupancyOptionsFromFlags({}), {
    archs: ["mlp", "cnn-basic", "cnn-wide", "cnn-deep"],
    batches: [64, 1024],
  });
  assert.deepEqual(occupancyOptionsFromFlags({ arch: "mlp", batch: "8" }), {
    archs: ["mlp"],
    batches: [8],
  });
  assert.throws(() => occupancyOptionsFromFlags({ batch: "0" }), /--batch/);
});

async function bench(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "bench", "--occupancy", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("deno task bench --occupancy --json: from the plan, no backend chosen", async () => {
  const { code, stdout, stderr } = await bench("--arch", "cnn-deep", "--batch", "64", "--json");
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  assert.equal(report.tuning, "gpu");
  assert.equal(report.backend, undefined);
  assert.doesNotMatch(stderr, /Backend:/);
  const plan = report.plans[0];
  assert.equal(plan.arch, "cnn-deep");
  assert.equal(plan.breaches, 0);
  assert.equal(plan.dispatches[0].label, "gather");
  const bad = await bench("--batch", "0");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--batch/);
});

Deno.test("no GPU-tuned invocation loops more than 4,096 times at any batch size", () => {
  for (const arch of ARCHS) {
    for (const batch of [1, 7, 1000, 8192, 60_000]) {
      for (const k of stepKernels(planTraining(arch, batch), SGD, "gpu")) {
        assert.ok(k.serialLoop <= 4096, `${arch} b${batch} ${k.label}: ${k.serialLoop}`);
      }
    }
  }
});
