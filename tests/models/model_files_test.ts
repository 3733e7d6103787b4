/**
 * Model folders are input: every corrupt, hostile or mismatched part gives one
 * ModelFileError line naming the file, before tfjs allocates anything.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../../lib/models/build_model.ts";
import { ARCHITECTURE_NAMES, getArchitecture } from "../../lib/models/architectures.ts";
import { loadModel, readMetadata, saveModel } from "../../lib/models/save_model.ts";
import { ModelFileError } from "../../lib/errors.ts";
import { predict } from "../../lib/evaluate/predict.ts";
import { useCpu } from "../_synthetic.ts";
import { assertModelError, editJson, metadataFor } from "./_model_fixtures.ts";

await useCpu();

async function savedFolder(arch = "mlp"): Promise<string> {
  const dir = `${await Deno.makeTempDir()}/${arch}`;
  await saveModel(buildModel(arch, { seed: 1 }), dir, metadataFor(arch));
  return dir;
}

Deno.test("readMetadata() validates metadata.json against its schema; arch must be a registry name", async (t) => {
  const dir = await savedFolder();
  const cases: [string, (m: Record<string, unknown>) => unknown, RegExp][] = [
    ["{}", () => ({}), /"format" is missing/],
    ["null", () => null, /it is not a JSON object/],
    [
      "arch as a path",
      (m) => void (m.arch = "../data/evil"),
      /"arch" must be an architecture name, got "..\/data\/evil"/,
    ],
    [
      "an unknown name without the architecture itself",
      (m) => void (m.arch = "mine"),
      /"arch" must be one of "mlp", .*got "mine"/,
    ],
    [
      "an architecture that is not the named one",
      (m) => void (m.architecture = { ...getArchitecture("cnn-deep") }),
      /"architecture.name" is "cnn-deep" but "arch" is "mlp"/,
    ],
    [
      "a malformed architecture",
      (m) => void (m.architecture = { ...getArchitecture("mlp"), layers: [{ type: "lstm" }] }),
      /"architecture": layer 0 \(lstm\): "type" must be one of/,
    ],
    [
      "bad epochs",
      (m) => void ((m.recipe as { epochs: unknown }).epochs = -1),
      /"recipe.epochs" must be an integer ≥ 1/,
    ],
    ["history type", (m) => void (m.history = [{ epoch: 1 }]), /"history\[0\].loss" is missing/],
  ];
  const original = await Deno.readTextFile(`${dir}/metadata.json`);
  for (const [name, edit, message] of cases) {
    await t.step(name, async () => {
      await Deno.writeTextFile(`${dir}/metadata.json`, original);
      await editJson(`${dir}/metadata.json`, edit);
      await assertModelError(readMetadata(dir), message);
      await assertModelError(loadModel(dir), message);
    });
  }
  await Deno.writeTextFile(`${dir}/metadata.json`, "{not json");
  await assertModelError(readMetadata(dir), /metadata\.json is not valid JSON/);
  // --retrain: a corrupt folder is simply replaced by the next save.
  await saveModel(buildModel("mlp", { seed: 2 }), dir, metadataFor("mlp"));
  assert.equal((await loadModel(dir)).metadata.arch, "mlp");
});

Deno.test("loadModel() checks model.json against the architecture before building it", async (t) => {
  // deno-lint-ignore no-explicit-any
  const cases: [string, (j: any) => void, RegExp][] = [
    [
      "3 outputs",
      (j) => void (j.modelTopology.config.layers.at(-1).config.units = 3),
      /the output shape is \[null,3\], not \[null,10\]/,
    ],
    [
      "input shape",
      (j) => void (j.modelTopology.config.layers[0].config.batch_input_shape = [null, 32, 32, 3]),
      /the input shape is \[null,32,32,3\], not \[null,28,28,1\]/,
    ],
    [
      "200,000 units",
      (j) => void (j.modelTopology.config.layers[1].config.units = 200_000),
      /layer 2 \(Dense\) has units 200000; mlp has 128/,
    ],
    [
      "weight shape",
      (j) => void (j.weightsManifest[0].weights[0].shape = [784, 200_000]),
      /weight 1 .* is \[784,200000\]; mlp has \[784,128\] float32/,
    ],
    ["not a model", () => {}, /not a tfjs layers model/],
  ];
  for (const [name, edit, message] of cases) {
    await t.step(name, async () => {
      const dir = await savedFolder();
      await editJson(`${dir}/model.json`, name === "not a model" ? () => ({ hello: 1 }) : edit);
      const before = Deno.memoryUsage().rss;
      await assertModelError(loadModel(dir), message);
      assert.ok(Deno.memoryUsage().rss - before < 100e6, "nothing large was allocated");
    });
  }
});

Deno.test("loadModel() refuses a weights.bin whose size is not what model.json declares, without reading it", async () => {
  const dir = await savedFolder();
  const file = await Deno.open(`${dir}/weights.bin`, { write: true });
  await file.truncate(1024 ** 3); // a 1 GB sparse file
  file.close();
  const before = Deno.memoryUsage().rss;
  await assertModelError(
    loadModel(dir),
    /weights\.bin is larger than .* \(more than its model\.json declares\)/,
  );
  assert.ok(Deno.memoryUsage().rss - before < 100e6);
  await Deno.truncate(`${dir}/weights.bin`, 100);
  await assertModelError(loadModel(dir), /weights\.bin has 100 bytes; model\.json declares 407080/);
});

Deno.test("loadModel() refuses NaN weights and parts that are not the save metadata.json lists", async () => {
  const dir = await savedFolder();
  const weights = await Deno.readFile(`${dir}/weights.bin`);
  new DataView(weights.buffer).setFloat32(40, NaN, true);
  await Deno.writeFile(`${dir}/weights.bin`, weights);
  await assertModelError(loadModel(dir), /weights\.bin is not the file metadata\.json describes/);
  await editJson(`${dir}/metadata.json`, (m) => void delete m.files); // a save from before `files`
  await assertModelError(
    loadModel(dir),
    /weights\.bin holds NaN at value 10: the model is corrupt/,
  );
});

Deno.test("predict() reports non-finite outputs as an error, not as a digit", async () => {
  const model = buildModel("mlp", { seed: 1 });
  model.layers[1]!.setWeights(model.layers[1]!.getWeights().map((w) => tf.fill(w.shape, NaN)));
  await assert.rejects(
    predict(model, new Uint8Array(784)),
    (e) => e instanceof ModelFileError && /not finite \(NaN\)/.test(e.message),
  );
});

Deno.test("loadModel() names a file given where the model folder belongs", async () => {
  const dir = await savedFolder();
  await assertModelError(
    loadModel(`${dir}/model.json`),
    /model\.json is a file, not a model folder/,
  );
});

Deno.test("loadModel() accepts what saveModel() wrote, for every architecture", async (t) => {
  for (const arch of ARCHITECTURE_NAMES) {
    await t.step(arch, async () => {
      const dir = await savedFolder(arch);
      const { model } = await loadModel(dir);
      assert.equal(model.countParams(), getArchitecture(arch).expectedParams);
      await Deno.remove(dir, { recursive: true });
    });
  }
});
