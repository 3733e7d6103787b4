import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit, useCpu } from "../_synthetic.ts";
import { createEpochRunner } from "../../lib/train/create_runner.ts";
import { engineVerdict } from "../../lib/engine/engine_verdict.ts";
import { BackendUnavailableError, UsageError } from "../../lib/errors.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";
import { runnerInput } from "../engine/_engine_test_utils.ts";

Deno.test("createEpochRunner: tfjs on request; auto on cpu falls back with one note", async () => {
  await useCpu();
  const input = runnerInput(getArchitecture("mlp"), syntheticSplit(20), 10);
  const tfjs = await createEpochRunner(input, "tfjs", { backend: "cpu" });
  assert.equal(tfjs.engine, "tfjs");
  tfjs.dispose();
  const notes: string[] = [];
  const auto = await createEpochRunner(input, "auto", {
    backend: "cpu",
    onNote: (l) => notes.push(l),
  });
  assert.equal(auto.engine, "tfjs");
  auto.dispose();
  assert.deepEqual(notes, [
    "Engine: tfjs (the compiled engine is off: the cpu backend has no compiled engine)",
  ]);
  await assert.rejects(
    () => createEpochRunner(input, "compiled", { backend: "cpu" }),
    BackendUnavailableError,
  );
});

Deno.test("createEpochRunner: compiled refuses an optimizer outside the engine as a usage error", async () => {
  await useCpu();
  const input = {
    ...runnerInput(getArchitecture("mlp"), syntheticSplit(20), 10),
    optimizer: tf.train.momentum(0.1, 0.9),
  };
  await assert.rejects(
    () => createEpochRunner(input, "compiled", { backend: "webgpu" }),
    (error: Error) => error instanceof UsageError && /Momentum/.test(error.message),
  );
});

Deno.test({
  name:
    "engineVerdict: the self-check of a plan passes on this adapter, cached per plan and adapter",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await useCpu();
    const dir = await Deno.makeTempDir();
    const verdictFile = `${dir}/nested/engine-verdicts.json`;
    const plan = { arch: getArchitecture("mlp"), batchSize: 8 };
    const first = await engineVerdict({ verdictFile, plan });
    assert.equal(first.ok, true, first.reason);
    assert.equal(first.cached, false);
    assert.ok(first.maxRelativeError! <= 1e-3);
    assert.match(first.key, /\| mlp b8 adam (cpu|gpu) #[0-9a-f]{8}$/);
    const stored = JSON.parse(await Deno.readTextFile(verdictFile));
    assert.deepEqual(Object.keys(stored), [first.key]);
    const second = await engineVerdict({ verdictFile, plan });
    assert.equal(second.cached, true);
    assert.equal(second.ok, true);
    // Another batch size is another plan: checked afresh and cached beside the first.
    const other = await engineVerdict({ verdictFile, plan: { ...plan, batchSize: 600 } });
    assert.equal(other.cached, false);
    assert.equal(other.ok, true, other.reason);
    const both = JSON.parse(await Deno.readTextFile(verdictFile));
    assert.deepEqual(Object.keys(both).sort(), [first.key, other.key].sort());
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("createEpochRunner: auto on wasm runs the compiled CPU engine and says so", async () => {
  const { selectBackend } = await import("../../lib/backend/select_backend.ts");
  await selectBackend("wasm");
  const input = runnerInput(getArchitecture("mlp"), syntheticSplit(20), 10);
  const notes: string[] = [];
  const runner = await createEpochRunner(input, "auto", {
    backend: "wasm",
    onNote: (l) => notes.push(l),
  });
  assert.equal(runner.engine, "compiled");
  runner.dispose();
  assert.deepEqual(notes, ["Engine: compiled (the whole step as one fused plan on wasm)"]);
});
