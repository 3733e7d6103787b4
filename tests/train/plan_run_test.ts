import assert from "node:assert/strict";
import { planRun, type RunRequest } from "../../lib/train/plan_run.ts";
import type { ModelMetadata } from "../../lib/models/metadata.ts";
import { UsageError } from "../../lib/errors.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";

const recipe = { optimizer: "adam" as const, learningRate: 0.001, batchSize: 32, epochs: 5 };
const mlp = getArchitecture("mlp");
const request: RunRequest = {
  architecture: mlp,
  recipe,
  trainCount: 600,
  validation: 0,
  outDir: "m",
};

function saved(epochsCompleted: number, change: Partial<ModelMetadata> = {}): ModelMetadata {
  return {
    format: 1,
    arch: "mlp",
    recipe,
    seed: 3,
    trainCount: 600,
    validation: 0,
    datasetSha256: {},
    epochsCompleted,
    history: [],
    backend: "cpu",
    date: "2026-11-28T00:00:00Z",
    ...change,
  };
}

Deno.test("planRun() trains afresh into an empty folder", () => {
  assert.deepEqual(planRun(undefined, request), { kind: "fresh" });
});

Deno.test("planRun() reuses a finished model of the same run, unless retrain", () => {
  assert.equal(planRun(saved(5), request).kind, "reuse");
  assert.equal(planRun(saved(5), { ...request, retrain: true }).kind, "fresh");
});

Deno.test("planRun() trains afresh when anything about the run differs", async (t) => {
  const differences: [string, Partial<ModelMetadata>][] = [
    ["arch", { arch: "cnn-basic" }],
    ["recipe", { recipe: { ...recipe, batchSize: 64 } }],
    ["sample count", { trainCount: 599 }],
    ["validation", { validation: 0.1 }],
  ];
  for (const [what, change] of differences) {
    await t.step(what, () => assert.equal(planRun(saved(5, change), request).kind, "fresh"));
  }
  await t.step(
    "seed",
    () => assert.equal(planRun(saved(5), { ...request, seed: 4 }).kind, "fresh"),
  );
});

Deno.test("planRun() resumes an unfinished checkpoint after its epochs", () => {
  const plan = planRun(saved(2), { ...request, resume: true });
  assert.equal(plan.kind, "resume");
  assert.equal(plan.kind === "resume" && plan.epochsDone, 2);
});

Deno.test("planRun() refuses to resume a finished, different or missing run", () => {
  for (const previous of [undefined, saved(5), saved(2, { arch: "cnn-wide" })]) {
    assert.throws(() => planRun(previous, { ...request, resume: true }), UsageError);
  }
});
