/**
 * Issue 19's dtype cases: a `model.json` whose input layer is int32 loaded and evaluated
 * (24 %) without a word, and an int32 or float16 weight got a message that did not name
 * the dtype. Every dtype a model folder declares is now checked, and named when wrong.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../../lib/models/build_model.ts";
import { loadModel, loadOptimizerState, saveModel } from "../../lib/models/save_model.ts";
import { useCpu } from "../_synthetic.ts";
import { assertModelError, editJson, metadataFor } from "./_model_fixtures.ts";

await useCpu();

Deno.test("loadModel() checks the input, layer and weight dtypes of model.json and names a wrong one", async (t) => {
  const dir = `${await Deno.makeTempDir()}/mlp`;
  await saveModel(buildModel("mlp", { seed: 1 }), dir, metadataFor("mlp"));
  const original = await Deno.readTextFile(`${dir}/model.json`);
  // deno-lint-ignore no-explicit-any
  const cases: [string, (json: any) => void, RegExp][] = [
    [
      "int32 input",
      (json) => void (json.modelTopology.config.layers[0].config.dtype = "int32"),
      /model\.json: the input dtype is "int32", not float32/,
    ],
    [
      "int32 layer",
      (json) => void (json.modelTopology.config.layers[1].config.dtype = "int32"),
      /model\.json: layer 2 \(Dense\) has dtype "int32"; mlp is float32/,
    ],
    [
      "int32 weight",
      (json) => void (json.weightsManifest[0].weights[0].dtype = "int32"),
      /model\.json: weight 1 \(.+\) has dtype "int32"; mlp's weights are float32/,
    ],
    [
      "float16 weight",
      (json) => void (json.weightsManifest[0].weights[2].dtype = "float16"),
      /model\.json: weight 3 \(.+\) has dtype "float16"; mlp's weights are float32/,
    ],
    [
      "quantized weight",
      (json) => {
        json.weightsManifest[0].weights[1].quantization = { dtype: "uint8", min: 0, scale: 1 };
      },
      /model\.json: weight 2 \(.+\) is quantized \(uint8\); mlp's weights are float32/,
    ],
  ];
  try {
    for (const [name, edit, message] of cases) {
      await t.step(name, async () => {
        await Deno.writeTextFile(`${dir}/model.json`, original);
        await editJson(`${dir}/model.json`, edit);
        await assertModelError(loadModel(dir), message);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadOptimizerState() checks the dtype of every optimizer slot and names a wrong one", async () => {
  const dir = `${await Deno.makeTempDir()}/mlp`;
  const model = buildModel("mlp", { seed: 1 });
  const optimizer = tf.train.adam(0.001);
  // One update, so that the optimizer has its slots.
  optimizer.minimize(() =>
    tf.sum(model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor) as tf.Scalar
  );
  await saveModel(model, dir, metadataFor("mlp"), optimizer);
  try {
    assert.equal(await loadOptimizerState(dir, tf.train.adam(0.001), model), true);
    await editJson(`${dir}/optimizer.json`, (json) => void (json.weights[1].dtype = "float16"));
    await assertModelError(
      loadOptimizerState(dir, tf.train.adam(0.001), model),
      /optimizer\.json: weight 2 \(.+\) has dtype "float16"; optimizer state is float32/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
