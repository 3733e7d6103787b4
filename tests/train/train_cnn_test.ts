import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { trainCnn } from "../../lib/train/train_cnn.ts";
import { ARCHITECTURE_NAMES } from "../../lib/models/architectures.ts";
import { selectBackend } from "../../lib/backend/select_backend.ts";
import { readMetadata } from "../../lib/models/save_model.ts";
import { TrainingDivergedError, TrainingInterruptedError, UsageError } from "../../lib/errors.ts";
import { syntheticMnist } from "../_synthetic.ts";

// The fastest CPU backend this machine has (wasm with our training kernels, else cpu).
const backend = await selectBackend("auto");
const data = syntheticMnist(96, 30);
const quick = { data, epochs: 3, batchSize: 16, seed: 7, learningRate: 0.003 } as const;

Deno.test(`trainCnn() reduces the loss of every architecture (backend ${backend.name})`, async (t) => {
  for (const arch of ARCHITECTURE_NAMES) {
    await t.step(arch, async () => {
      const result = await trainCnn({ ...quick, arch });
      assert.equal(result.history.length, 3);
      assert.ok(
        result.history[2]!.loss < result.history[0]!.loss,
        `loss ${result.history.map((h) => h.loss.toFixed(3)).join(" → ")}`,
      );
      assert.equal(result.test.count, 30);
      assert.equal(result.trainCount, 96);
      result.model.dispose();
    });
  }
});

Deno.test("trainCnn() with one seed repeats exactly on the same backend", async () => {
  const runs = [
    await trainCnn({ ...quick, arch: "cnn-basic" }),
    await trainCnn({ ...quick, arch: "cnn-basic" }),
  ];
  assert.deepEqual(runs[0]!.history.map((h) => h.loss), runs[1]!.history.map((h) => h.loss));
  assert.deepEqual(runs[0]!.test.probabilities, runs[1]!.test.probabilities);
  runs.forEach((r) => r.model.dispose());
});

Deno.test("trainCnn() leaves no tensors behind but the model's and the optimizer's", async () => {
  const before = tf.memory().numTensors;
  const result = await trainCnn({ ...quick, arch: "mlp", epochs: 1 });
  const weights = result.model.getWeights().length;
  result.model.dispose();
  assert.equal(tf.memory().numTensors, before, `model had ${weights} weights`);
});

Deno.test("trainCnn() reports validation metrics when a validation split is asked for", async () => {
  const result = await trainCnn({ ...quick, arch: "mlp", epochs: 1, validation: 0.25 });
  assert.equal(result.trainCount, 72);
  assert.ok(result.history[0]!.valAcc! >= 0 && result.history[0]!.valAcc! <= 1);
  assert.ok(Number.isFinite(result.history[0]!.valLoss));
  result.model.dispose();
});

Deno.test("trainCnn() stops with TrainingDivergedError when the loss becomes NaN", async () => {
  await assert.rejects(
    trainCnn({ ...quick, arch: "mlp", optimizer: "sgd", learningRate: 1e30 }),
    (e: Error) => e instanceof TrainingDivergedError && /epoch 1/.test(e.message),
  );
});

Deno.test("trainCnn() keeps the last epoch's checkpoint on interrupt, and resume finishes the run", async () => {
  const outDir = await Deno.makeTempDir();
  const controller = new AbortController();
  const options = { ...quick, arch: "cnn-basic", outDir, signal: controller.signal };
  await assert.rejects(
    trainCnn({ ...options, onEpoch: (log) => log.epoch === 2 && controller.abort() }),
    TrainingInterruptedError,
  );
  assert.equal((await readMetadata(outDir))!.epochsCompleted, 2);
  const resumed = await trainCnn({ ...quick, arch: "cnn-basic", outDir, resume: true });
  assert.deepEqual(resumed.history.map((h) => h.epoch), [1, 2, 3]);
  const uninterrupted = await trainCnn({ ...quick, arch: "cnn-basic" });
  assert.deepEqual(
    resumed.history.map((h) => h.loss.toFixed(5)),
    uninterrupted.history.map((h) => h.loss.toFixed(5)),
    "a resumed run trains exactly as an uninterrupted one",
  );
  const again = await trainCnn({ ...quick, arch: "cnn-basic", outDir });
  assert.equal(again.reused, true, "a finished model with the same recipe is reused");
  assert.deepEqual(again.test.predictions, resumed.test.predictions);
  await assert.rejects(trainCnn({ ...quick, arch: "cnn-basic", outDir, resume: true }), UsageError);
  [resumed, uninterrupted, again].forEach((r) => r.model.dispose());
  await Deno.remove(outDir, { recursive: true });
});
