import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ModelFileError } from "../../lib/errors.ts";
import { planTraining } from "../../lib/engine/plan.ts";
import { kerasOptimizer } from "../../lib/engine/check/_check_inputs.ts";
import { loadModel } from "../../lib/models/save_model.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";
import { parseArchitecture } from "../../lib/models/arch_file/parse_architecture.ts";
import type { Architecture } from "../../lib/models/architecture.ts";
import { freshState } from "../../lib/web/fresh_state.ts";
import {
  exportModelFiles,
  fetchModel,
  type ModelFiles,
  modelFromFiles,
} from "../../lib/web/model_files.ts";
import { serveFiles } from "../data/_fixtures.ts";
import { modelInference } from "../../lib/web/evaluate_in_browser.ts";
import type { WebModel } from "../../lib/web/web_model.ts";
import { syntheticSplit, useCpu } from "../_synthetic.ts";

/** A model with seeded weights and biases that are not zero (so bias order is checked). */
function webModel(arch: Architecture): WebModel {
  const plan = planTraining(arch, 1);
  const { params, state } = freshState(plan, kerasOptimizer("adam", 1e-3), 7);
  for (const p of plan.params) {
    if (p.shape.length === 1) params.fill(0.01 * (p.layer + 1), p.offset, p.offset + p.length);
  }
  // Moving statistics away from tfjs' initial ones, so their order and use are checked.
  state.forEach((_, i) => (state[i] = 0.5 + 0.01 * i));
  return {
    architecture: arch,
    recipe: { optimizer: "adam", learningRate: 1e-3, batchSize: 32, epochs: 1 },
    params,
    state,
    history: [{ epoch: 1, loss: 0.5, acc: 0.9, seconds: 2, imagesPerSecond: 1000 }],
    trainCount: 2000,
    datasetSha256: { "t10k-labels-idx1-ubyte": "a".repeat(64) },
    seed: 7,
    backend: "webgpu (browser: test)",
    test: { loss: 0.4, accuracy: 0.9, wrong: 200, count: 2000 },
  };
}

const LENET = await Deno.readTextFile(new URL("../../examples/lenet5.keras.json", import.meta.url));

/** cnn-basic with a batchNorm after its conv (moving statistics saved after the weights). */
const basicNorm: Architecture = {
  ...getArchitecture("cnn-basic"),
  name: "cnn-basic-bn",
  layers: [
    getArchitecture("cnn-basic").layers[0]!,
    { type: "batchNorm" },
    ...getArchitecture("cnn-basic").layers.slice(1),
  ],
};

for (
  const arch of [
    getArchitecture("cnn-basic"),
    getArchitecture("mlp"),
    parseArchitecture(LENET),
    basicNorm,
  ]
) {
  Deno.test(`exportModelFiles(${arch.name}): loadModel reads it, and tfjs predicts what the browser does`, async () => {
    await useCpu();
    const model = webModel(arch);
    const files = await exportModelFiles(model);
    const dir = await Deno.makeTempDir();
    try {
      for (const [name, bytes] of Object.entries(files)) {
        await Deno.writeFile(
          `${dir}/${name}`,
          bytes,
        );
      }
      const { model: loaded, metadata } = await loadModel(dir);
      assert.equal(metadata.arch, arch.name);
      assert.deepEqual(metadata.test, model.test);
      const moving = loaded.nonTrainableWeights.flatMap((w) => [...w.read().dataSync()]);
      assert.deepEqual(moving, [...model.state]);
      if (arch === basicNorm) {
        assert.throws(() => modelInference(model), /CPU inference of cnn-basic-bn/);
        return;
      }
      const split = syntheticSplit(8);
      const x = tf.tensor4d(Float32Array.from(split.images, (v) => v / 255), [8, 28, 28, 1]);
      const expected = (loaded.predict(x) as tf.Tensor).dataSync() as Float32Array;
      const actual = await modelInference(model)(split.images, 8);
      const worst = actual.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0);
      assert.ok(worst < 1e-5, `probabilities differ by ${worst}`);
      const again = await modelFromFiles(files);
      assert.deepEqual(again.params, model.params);
      assert.deepEqual(again.architecture.layers, arch.layers);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("modelFromFiles refuses a file that does not check, in one line naming it", async () => {
  const files = await exportModelFiles(webModel(getArchitecture("cnn-basic")));
  const nan = files["weights.bin"]!.slice();
  new Float32Array(nan.buffer).fill(NaN, 3, 4);
  const json = JSON.parse(new TextDecoder().decode(files["model.json"]));
  json.modelTopology.config.layers[0].config.filters = 64;
  const cases: [ModelFiles, RegExp][] = [
    [{ ...files, "weights.bin": nan }, /weights\.bin is not the file metadata\.json describes/],
    [{ ...files, "weights.bin": files["weights.bin"]!.slice(4) }, /weights\.bin has 252196 bytes/],
    [
      { ...files, "model.json": new TextEncoder().encode(JSON.stringify(json)) },
      /model\.json: layer 1 \(Conv2D\) has filters 64/,
    ],
    [
      { ...files, "metadata.json": new TextEncoder().encode("{}") },
      /metadata\.json is not valid: "format"/,
    ],
    [
      { "model.json": files["model.json"]!, "metadata.json": files["metadata.json"]! },
      /weights\.bin is missing/,
    ],
  ];
  for (const [broken, expected] of cases) {
    const error = await modelFromFiles(broken).catch((e) => e);
    assert.ok(error instanceof ModelFileError, String(error));
    assert.match(error.message, expected);
    assert.doesNotMatch(error.message, /\n/);
  }
});

Deno.test("fetchModel reads a saved model's files from a URL, and names a missing one", async () => {
  const model = webModel(getArchitecture("mlp"));
  const files = await exportModelFiles(model);
  const server = serveFiles(
    Object.fromEntries(Object.entries(files).map(([n, b]) => [`m/${n}`, b])),
  );
  try {
    const fetched = await fetchModel(`${server.base}m`);
    assert.deepEqual(fetched.params, model.params);
    assert.deepEqual(fetched.history, model.history);
    const error = await fetchModel(`${server.base}elsewhere/`).catch((e) => e);
    assert.ok(error instanceof ModelFileError);
    assert.match(error.message, /elsewhere\/model\.json: HTTP 404$/);
  } finally {
    await server.close();
  }
});
