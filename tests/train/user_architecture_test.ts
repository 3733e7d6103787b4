/**
 * A user's own architecture end to end through the library: trained (every layer kind, on the
 * tfjs path), checkpointed, resumed, saved with the architecture itself in its metadata, and
 * then loaded, evaluated and predicted from the folder alone.
 */
import assert from "node:assert/strict";
import { trainCnn } from "../../lib/train/train_cnn.ts";
import { loadModel, readMetadata, saveModel } from "../../lib/models/save_model.ts";
import { evaluateSavedModel } from "../../lib/evaluate/evaluate_saved_model.ts";
import { predict } from "../../lib/evaluate/predict.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { TrainingInterruptedError } from "../../lib/errors.ts";
import { defaultRecipe } from "../../lib/defaults.ts";
import { syntheticMnist, useCpu } from "../_synthetic.ts";
import { KINDS } from "../models/arch_file/_kinds.ts";

await useCpu();
const data = syntheticMnist(64, 20);
const quick = { data, epochs: 2, batchSize: 16, seed: 3, backend: "cpu" as const };

Deno.test("a user architecture trains, resumes, and its folder works without the architecture", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const controller = new AbortController();
    await assert.rejects(
      trainCnn({
        ...quick,
        arch: KINDS,
        outDir,
        signal: controller.signal,
        onEpoch: () => controller.abort(),
      }),
      TrainingInterruptedError,
    );
    const resumed = await trainCnn({ ...quick, arch: KINDS, outDir, resume: true });
    assert.deepEqual(resumed.history.map((h) => h.epoch), [1, 2]);
    assert.equal(resumed.engine, "tfjs");
    assert.deepEqual(resumed.recipe, { ...defaultRecipe(), batchSize: 16, epochs: 2 });
    const metadata = await readMetadata(outDir);
    assert.equal(metadata!.arch, "kinds");
    assert.deepEqual(metadata!.architecture, JSON.parse(JSON.stringify(KINDS)));
    // BatchNormalization's moving statistics moved and were saved (non-trainable weights).
    const { model } = await loadModel(outDir);
    const bn = model.layers[1]!.getWeights().map((w) => w.dataSync());
    assert.equal(bn.length, 4);
    assert.ok(bn[2]!.some((v) => v !== 0), "moving mean was updated in training");
    model.dispose();
    const evaluated = await evaluateSavedModel({ modelDir: outDir, data });
    assert.equal(evaluated.evaluation.wrong, resumed.test.wrong);
    const [p] = await predict(evaluated.model, data.test.images.subarray(0, 784));
    assert.ok(Math.abs(p!.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    evaluated.model.dispose();
    const again = await trainCnn({ ...quick, arch: KINDS, outDir });
    assert.equal(again.reused, true);
    // Same name, other layers: never mistaken for the saved model.
    const other = { ...KINDS, layers: KINDS.layers.filter((l) => l.type !== "dropout") };
    const fresh = await trainCnn({
      ...quick,
      arch: { ...other, expectedParams: KINDS.expectedParams },
      outDir,
      epochs: 1,
    });
    assert.equal(fresh.reused, false);
    [resumed.model, again.model, fresh.model].forEach((m) => m.dispose());
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("a save older than the architecture field (its name only) still loads", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = buildModel("mlp", { seed: 1 });
    const metadata = {
      format: 1 as const,
      arch: "mlp",
      recipe: defaultRecipe(),
      trainCount: 10,
      validation: 0,
      datasetSha256: {},
      epochsCompleted: 0,
      history: [],
      backend: "cpu",
      date: "2026-12-04T00:00:00Z",
    };
    await saveModel(model, dir, metadata);
    model.dispose();
    const loaded = await loadModel(dir);
    assert.equal(loaded.metadata.architecture, undefined);
    assert.equal(loaded.model.countParams(), 101_770);
    loaded.model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
