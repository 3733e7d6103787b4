/**
 * The builder for every layer kind: tfjs' parameter counts and output shapes equal Keras'
 * formulas (as `layer_shapes.ts` writes them), and the BatchNormalization statistics split
 * into trainable and non-trainable parameters as Keras counts them.
 */
import assert from "node:assert/strict";
import { buildModel } from "../../lib/models/build_model.ts";
import { countParams, layerShapes } from "../../lib/models/layer_shapes.ts";
import { summarize } from "../../lib/models/summarize.ts";
import { useCpu } from "../_synthetic.ts";
import { KINDS } from "./arch_file/_kinds.ts";

await useCpu();

Deno.test("buildModel() builds every layer kind with Keras' parameter counts and output shapes", () => {
  const model = buildModel(KINDS, { seed: 1 });
  // Keras' formulas, one layer at a time (input 28×28×1):
  const expected = [
    5 * 3 * 1 * 8, // conv 5×3, 8 filters, no bias; stride 2 same → 14×14×8
    4 * 8, // batch norm: gamma, beta, moving mean, moving variance
    0, // activation
    0, // max-pool 3, stride 2, valid → ⌊(14 − 3) / 2⌋ + 1 = 6
    3 * 3 * 8 * 6 + 6, // conv 3×3 tanh, same → 6×6×6
    0, // avg-pool 2, stride 1, same → 6×6×6
    0, // flatten → 216
    0, // dropout
    216 * 12, // dense, no bias
    12 * 10 + 10, // softmax
  ];
  assert.deepEqual(model.layers.map((l) => l.countParams()), expected);
  assert.equal(model.countParams(), countParams(KINDS.layers));
  const shapes = layerShapes(KINDS.layers).map((s) => s.output);
  const tfjs = model.layers.map((l) => (l.outputShape as number[]).slice(1));
  const ours = shapes.map((s, i) => (i >= 6 ? [s.c] : [s.h, s.w, s.c]));
  assert.deepEqual(tfjs, ours);
  assert.deepEqual(ours.slice(0, 6).map((s) => s[0]), [14, 14, 14, 6, 6, 6]);
  const summary = summarize(model);
  assert.equal(summary.totalParams - summary.trainableParams, 2 * 8, "moving mean and variance");
  assert.deepEqual(
    model.layers.map((l) => l.getClassName()),
    [
      "Conv2D",
      "BatchNormalization",
      "Activation",
      "MaxPooling2D",
      "Conv2D",
      "AveragePooling2D",
      "Flatten",
      "Dropout",
      "Dense",
      "Dense",
    ],
  );
  const config = model.layers[1]!.getConfig();
  assert.equal(config.momentum, 0.9);
  assert.equal(config.epsilon, 0.01);
  assert.equal(model.layers[0]!.getConfig().activation, "sigmoid");
  assert.equal(model.layers[0]!.getConfig().useBias, false);
  model.dispose();
});

Deno.test("summarize() takes an architecture as well as a model", () => {
  assert.equal(summarize(KINDS).totalParams, KINDS.expectedParams);
  assert.equal(summarize("cnn-deep").totalParams, 93_322);
});

Deno.test("buildModel() takes a Keras file's contents as text or parsed", async () => {
  const text = await Deno.readTextFile(
    new URL("../../examples/lenet5.keras.json", import.meta.url),
  );
  for (const input of [text, JSON.parse(text)]) {
    const model = buildModel(input, { seed: 1 });
    assert.equal(model.countParams(), 61_706);
    model.dispose();
  }
});
