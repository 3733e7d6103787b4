import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../../lib/models/build_model.ts";
import { loadModel, loadOptimizerState, saveModel } from "../../lib/models/save_model.ts";
import type { ModelMetadata } from "../../lib/models/metadata.ts";
import { evaluateModel } from "../../lib/evaluate/evaluate_model.ts";
import { ModelFileError } from "../../lib/errors.ts";
import { syntheticSplit, useCpu } from "../_synthetic.ts";

await useCpu();

const metadata: ModelMetadata = {
  format: 1,
  arch: "cnn-basic",
  recipe: { optimizer: "rmsprop", learningRate: 0.001, batchSize: 8, epochs: 1 },
  trainCount: 8,
  validation: 0,
  datasetSha256: {},
  epochsCompleted: 1,
  history: [],
  backend: "cpu",
  date: "2026-11-23T00:00:00.000Z",
};

Deno.test("saveModel() → loadModel() gives identical predictions, in the tfjs layers format", async () => {
  const dir = await Deno.makeTempDir();
  const model = buildModel("cnn-basic", { seed: 5 });
  const split = syntheticSplit(12);
  const before = await evaluateModel(model, split);
  await saveModel(model, dir, metadata);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(files, ["metadata.json", "model.json", "weights.bin"]);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  assert.equal(json.format, "layers-model");
  assert.deepEqual(json.weightsManifest[0].paths, ["./weights.bin"]);
  const { model: loaded, metadata: meta } = await loadModel(dir);
  const after = await evaluateModel(loaded, split);
  assert.deepEqual(after.probabilities, before.probabilities);
  assert.equal(meta.arch, "cnn-basic");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("saveModel() with an optimizer saves its state and loadOptimizerState() restores it", async () => {
  const dir = await Deno.makeTempDir();
  const model = buildModel("mlp", { seed: 1 });
  const optimizer = tf.train.rmsprop(0.001, 0.9, 0, 1e-7);
  const x = tf.randomUniform([4, 28, 28, 1]);
  optimizer.minimize(() => tf.mean(model.apply(x) as tf.Tensor) as tf.Scalar);
  await saveModel(model, dir, metadata, optimizer);
  const restored = tf.train.rmsprop(0.001, 0.9, 0, 1e-7);
  assert.equal(await loadOptimizerState(dir, restored), true);
  const [a, b] = [await optimizer.getWeights(), await restored.getWeights()];
  assert.equal(a.length, b.length);
  a.forEach((w, i) => assert.deepEqual(w.tensor.dataSync(), b[i]!.tensor.dataSync()));
  await assert.rejects(
    loadOptimizerState(dir, tf.train.adam()),
    /optimizer\.json is RMSProp state but the recipe trains with Adam; .*--retrain$/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadModel() on a folder without a model throws ModelFileError naming the folder", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    loadModel(dir),
    (e: Error) => e instanceof ModelFileError && e.message.includes(dir),
  );
  await Deno.writeTextFile(`${dir}/metadata.json`, "{not json");
  await assert.rejects(loadModel(dir), /not valid JSON/);
  await Deno.remove(dir, { recursive: true });
});
