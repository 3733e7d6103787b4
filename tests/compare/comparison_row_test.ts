import assert from "node:assert/strict";
import type * as tf from "@tensorflow/tfjs";
import { comparisonRow } from "../../lib/compare/compare_models.ts";
import { renderMarkdownTable, renderTextTable } from "../../lib/compare/render_table.ts";
import { parseArchitecture } from "../../lib/models/arch_file/parse_architecture.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";
import type { TrainResult } from "../../lib/train/types.ts";

const lenet = parseArchitecture(
  await Deno.readTextFile(new URL("../../examples/lenet5.keras.json", import.meta.url)),
  { name: "lenet5" },
);

function result(architecture: typeof lenet, accuracy: number): TrainResult {
  return {
    model: { countParams: () => architecture.expectedParams } as tf.Sequential,
    arch: architecture.name,
    architecture,
    recipe: { optimizer: "adam", learningRate: 0.001, batchSize: 32, epochs: 1 },
    history: [{ epoch: 1, loss: 0.5, acc: 0.9, seconds: 2, imagesPerSecond: 500 }],
    test: {
      loss: 0.4,
      accuracy,
      count: 100,
      wrong: Math.round((1 - accuracy) * 100),
      labels: new Uint8Array(),
      predictions: new Uint8Array(),
      probabilities: new Float32Array(),
    },
    backend: "wasm",
    trainCount: 1000,
    reused: false,
  } as TrainResult;
}

Deno.test("comparisonRow() reads the architecture it trained: a user's has no seed accuracy", () => {
  const own = comparisonRow(result(lenet, 0.9));
  assert.equal(own.arch, "lenet5");
  assert.deepEqual(own.seeds, []);
  assert.equal(own.seedAccuracy, null);
  assert.equal(own.difference, null);
  const seed = comparisonRow(result(getArchitecture("cnn-deep"), 0.99));
  assert.equal(seed.seedAccuracy, 0.9916);
  const text = renderTextTable([seed, own]);
  assert.match(text, /^lenet5 .* 90\.00 % .* — +— *$/m);
  assert.match(renderMarkdownTable([own]), /\| — \| — \|$/m);
});
