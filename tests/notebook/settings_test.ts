import assert from "node:assert/strict";
import { notebookSettings, QUICK_LIMIT, QUICK_TEST_LIMIT } from "../../lib/notebook/settings.ts";
import { resolveRecipe } from "../../lib/train/config.ts";
import { ARCHITECTURES } from "../../lib/models/architectures.ts";

Deno.test("notebookSettings() without quick keeps the seed recipe and saves under models/notebooks", () => {
  const { quick, train, modelsDir } = notebookSettings("cnn-wide", { quick: false });
  assert.equal(quick, false);
  assert.deepEqual(
    resolveRecipe(train, ARCHITECTURES["cnn-wide"]!),
    ARCHITECTURES["cnn-wide"]!.recipe,
  );
  assert.equal(train.limit, undefined);
  assert.equal(train.testLimit, undefined);
  assert.equal(modelsDir, "../models/notebooks");
  assert.equal(train.outDir, "../models/notebooks/cnn-wide");
  assert.equal(train.dataDir, "../data/mnist");
  assert.equal(train.validation, 0.1);
  assert.equal(train.seed, 1);
});

Deno.test("notebookSettings() quick trains a subset for one epoch, apart from the full models", () => {
  const { quick, train, description } = notebookSettings("mlp", { quick: true, root: "/p" });
  assert.equal(quick, true);
  assert.deepEqual([train.epochs, train.limit, train.testLimit], [
    1,
    QUICK_LIMIT,
    QUICK_TEST_LIMIT,
  ]);
  assert.equal(train.outDir, "/p/models/notebooks/quick/mlp");
  assert.match(description, /^QUICK/);
});
