import assert from "node:assert/strict";
import type * as tf from "@tensorflow/tfjs";
import { seedComparison } from "../../lib/notebook/seed_comparison.ts";
import { jupyterBundle } from "../../lib/report/_jupyter.ts";
import type { TrainResult } from "../../lib/train/types.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";

function result(arch: string, accuracy: number, epochs: number): TrainResult {
  const log = { epoch: 1, loss: 0.1, acc: 0.9, seconds: 1, imagesPerSecond: 1 };
  return {
    model: {} as tf.Sequential,
    arch,
    architecture: getArchitecture(arch),
    recipe: { optimizer: "rmsprop", learningRate: 0.001, batchSize: 64, epochs },
    history: Array.from({ length: epochs }, (_, i) => ({ ...log, epoch: i + 1 })),
    test: {
      loss: 0.03,
      accuracy,
      count: 10_000,
      wrong: Math.round((1 - accuracy) * 10_000),
      labels: new Uint8Array(),
      predictions: new Uint8Array(),
      probabilities: new Float32Array(),
    },
    backend: "wasm",
    trainCount: 54_000,
    reused: false,
  };
}

Deno.test("seedComparison() puts the run beside each of its seeds", async () => {
  const view = seedComparison(result("cnn-deep", 0.9902, 5));
  assert.deepEqual(view.seeds, [{ seed: "000", accuracy: 0.9914 }, {
    seed: "004",
    accuracy: 0.9916,
  }]);
  assert.equal(view.wrong, 98);
  const bundle = await jupyterBundle(view);
  assert.deepEqual(bundle!["text/plain"]!.split("\n"), [
    "this run: 99.02 % (98 of 10,000 wrong, 5 epochs, wasm)",
    "seed 000: 99.14 % (difference −0.12 pp)",
    "seed 004: 99.16 % (difference −0.14 pp)",
  ]);
  assert.match(
    bundle!["text/markdown"]!,
    /^\| \| test accuracy \|\n\| --- \| --- \|\n\| this run \|/,
  );
});

Deno.test("seedComparison() says 1 epoch and signs a gain with +", async () => {
  const text = (await jupyterBundle(seedComparison(result("mlp", 0.98, 1))))!["text/plain"]!;
  assert.match(text, /, 1 epoch, wasm\)/);
  assert.match(text, /seed 003: 97\.75 % \(difference \+0\.25 pp\)/);
});
