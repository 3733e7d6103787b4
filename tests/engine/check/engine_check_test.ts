/**
 * The engine check: both engines within tolerance on a real step, a sabotaged gradient or
 * update caught, and the task's exit codes and JSON.
 */
import assert from "node:assert/strict";
import { getArchitecture } from "../../../lib/models/architectures.ts";
import { planTraining } from "../../../lib/engine/plan.ts";
import { runEngineCheck } from "../../../lib/engine/check/engine_check.ts";
import { dirReferenceCache } from "../../../lib/engine/check/reference_dir_cache.ts";
import {
  checkInputs,
  kerasOptimizer,
  referenceInput,
} from "../../../lib/engine/check/_check_inputs.ts";
import { compareStep } from "../../../lib/engine/check/compare_step.ts";
import { wasmStep } from "../../../lib/engine/check/_wasm_step.ts";
import { referenceForward, referenceStep } from "../../../lib/engine/reference/reference_step.ts";
import { checkEveryEngine } from "../_engine_test_utils.ts";

Deno.test({
  name: "runEngineCheck: mlp (with dropout) on wasm and both WebGPU tunings is within 1e-3",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const report = await checkEveryEngine(getArchitecture("mlp"), 24);
    for (const row of report.rows) {
      assert.equal(
        row.tensors.length,
        2 + 2 * 4 + 1,
        "loss, correct, grad and update per variable, β",
      );
    }
  },
});

Deno.test("compareStep: a gradient or an update off by 1 % of its tensor is caught", async () => {
  const arch = getArchitecture("cnn-basic");
  const plan = planTraining(arch, 6);
  const inputs = checkInputs(plan, kerasOptimizer("rmsprop", 0.001));
  const step = await wasmStep({ arch, plan, inputs, seed: 3 });
  const ref = referenceStep(referenceInput(plan, inputs, step.keep));
  const clean = compareStep(plan, inputs, step, ref);
  assert.ok(clean.every((t) => t.error < 1e-4), JSON.stringify(clean));
  const bias = plan.params[1]!;
  const grads = Float32Array.from(step.grads);
  let max = 0;
  for (let i = 0; i < bias.length; i++) max = Math.max(max, Math.abs(grads[bias.offset + i]!));
  grads[bias.offset] = grads[bias.offset]! + 0.01 * max;
  const badGrad = compareStep(plan, inputs, { ...step, grads }, ref);
  const worst = badGrad.find((t) => t.tensor === "grad conv2d0.bias")!;
  assert.ok(worst.error > 5e-3, `a 1 % gradient error reads ${worst.error}`);
  const params = Float32Array.from(step.after.params);
  params[plan.params[2]!.offset]! += 3e-5; // 1 % of RMSprop's first step, lr / √0.1
  const badUpdate = compareStep(plan, inputs, { ...step, after: { ...step.after, params } }, ref);
  assert.ok(badUpdate.find((t) => t.tensor === "update dense4.kernel")!.error > 5e-3);
});

async function task(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "engine-check", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("engine-check task: JSON for one engine, and one line with exit 2 for a bad flag", async () => {
  const ok = await task("--arch", "mlp", "--batch", "4", "--engine", "wasm", "--json");
  assert.equal(ok.code, 0, ok.stderr);
  const [report] = JSON.parse(ok.stdout);
  assert.equal(report.arch, "mlp");
  assert.deepEqual(report.rows.map((r: { engine: string }) => r.engine), ["wasm"]);
  for (const bad of [["--batch", "0"], ["--tuning", "fast"], ["--arch", "lenet"]]) {
    const r = await task(...bad);
    assert.equal(r.code, 2, bad.join(" "));
    assert.match(
      r.stderr,
      /^error: --\w+:? .*\nRun "deno task engine-check --help" for usage\.\n$/,
    );
  }
});

Deno.test("runEngineCheck: a reference cache gives the same report, and a bad entry is recomputed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const options = {
      arch: getArchitecture("cnn-basic"),
      batchSize: 8,
      engines: ["wasm" as const],
      referenceCache: dirReferenceCache(dir),
    };
    const first = await runEngineCheck(options);
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.equal(files.length, 2, files.join(", "));
    assert.deepEqual(await runEngineCheck(options), first);
    const ref = files.find((f) => f.includes("-reference-"))!;
    await Deno.writeFile(`${dir}/${ref}`, new Uint8Array(12)); // truncated
    assert.deepEqual(await runEngineCheck(options), first);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkInputs: cnn-basic at its recipe batch of 100 (seed 1) draws a batch free of near-ties", () => {
  // With 20 redraw rounds this threw, so the self-check of `deno task train --arch cnn-basic`
  // failed and `auto` fell back to the tfjs path.
  const arch = getArchitecture("cnn-basic");
  const plan = planTraining(arch, arch.recipe.batchSize);
  const inputs = checkInputs(plan, kerasOptimizer(arch.recipe.optimizer, arch.recipe.learningRate));
  const { ties } = referenceForward({
    plan,
    images: inputs.images,
    state: { params: Float64Array.from(inputs.params) },
  });
  assert.deepEqual(ties, []);
});
