import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from "../../../lib/backend/wasm/register_training_kernels.ts";
import { ARCHITECTURE_NAMES } from "../../../lib/models/architectures.ts";
import { buildModel } from "../../../lib/models/build_model.ts";
import { countCorrect, sparseCrossEntropy } from "../../../lib/models/loss.ts";
import { syntheticSplit } from "../../_synthetic.ts";
import { relativeError, setupWasm, use } from "./_compare.ts";

await setupWasm();

const split = syntheticSplit(48, 3);

function dataset(): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  return tf.tidy(() => ({
    images: tf.tensor4d(Float32Array.from(split.images, (v) => v / 255), [split.count, 28, 28, 1]),
    labels: tf.tensor1d(Int32Array.from(split.labels), "int32"),
  }));
}

type Dropout = tf.layers.Layer & { seed?: number };

function seedDropouts(model: tf.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    if (layer.getClassName() === "Dropout") (layer as Dropout).seed = seed;
  }
}

/** The loss of one batch as a training step sees it (dropout on, fixed masks). */
function batchLoss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D): tf.Scalar {
  return sparseCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y);
}

Deno.test("registerWasmTrainingKernels() is idempotent and keeps the stock setup", () => {
  registerWasmTrainingKernels();
  registerWasmTrainingKernels();
  for (const config of WASM_TRAINING_KERNELS) {
    assert.equal(tf.getKernel(config.kernelName, "wasm")?.kernelFunc, config.kernelFunc);
  }
  assert.ok(tf.getKernel("Conv2DBackpropInput", "wasm")?.setupFunc, "stock setup kept");
});

Deno.test("every architecture trains on wasm with RMSprop and Adam", async (t) => {
  await use("wasm");
  const { images, labels } = dataset();
  for (const arch of ARCHITECTURE_NAMES) {
    for (const name of ["rmsprop", "adam"] as const) {
      await t.step(`${arch}, ${name}`, async () => {
        const model = buildModel(arch, { seed: 5 });
        const optimizer = name === "adam"
          ? tf.train.adam(0.003, 0.9, 0.999, 1e-7)
          : tf.train.rmsprop(0.003, 0.9, 0, 1e-7);
        const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const evaluate = async () => {
          const loss = tf.tidy(() =>
            sparseCrossEntropy(model.predict(images) as tf.Tensor2D, labels)
          );
          const value = (await loss.data())[0]!;
          loss.dispose();
          return value;
        };
        const before = await evaluate();
        const tensors = tf.memory().numTensors;
        for (let step = 0; step < 6; step++) {
          seedDropouts(model, step);
          tf.tidy(() => {
            const index = tf.tensor1d(
              [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => (i * 5 + step * 12) % split.count),
              "int32",
            );
            const x = tf.gather(images, index);
            const y = tf.gather(labels, index) as tf.Tensor1D;
            optimizer.minimize(() => batchLoss(model, x, y), false, weights);
          });
          // The optimizer creates its slots on the first step only.
          if (step === 0) assert.ok(tf.memory().numTensors > tensors);
        }
        const settled = tf.memory().numTensors;
        const after = await evaluate();
        assert.equal(tf.memory().numTensors, settled, "no tensors leak per step");
        assert.ok(Number.isFinite(after) && after < before, `loss ${before} → ${after}`);
        optimizer.dispose();
        model.dispose();
      });
    }
  }
  tf.dispose([images, labels]);
});

/** Loss, accuracy count and gradients of one batch on `backend`, from the same weights. */
async function oneBatch(backend: "wasm" | "cpu", arch: string, weights: Float32Array[]) {
  await use(backend);
  const model = buildModel(arch, { seed: 9 });
  model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape)));
  seedDropouts(model, 42);
  const { images, labels } = dataset();
  const x = images.slice([0, 0, 0, 0], [4, 28, 28, 1]);
  const y = labels.slice([0], [4]) as tf.Tensor1D;
  const { value, grads } = tf.variableGrads(() => batchLoss(model, x, y));
  const correct = countCorrect(model.predict(x) as tf.Tensor2D, y);
  const result = {
    loss: (await value.data())[0]!,
    correct: (await correct.data())[0]!,
    grads: await Promise.all(Object.values(grads).map((g) => g.data() as Promise<Float32Array>)),
  };
  tf.dispose([value, correct, x, y, images, labels, ...Object.values(grads)]);
  model.dispose();
  return result;
}

Deno.test("every architecture's loss, accuracy and gradients on wasm match cpu", async (t) => {
  for (const arch of ARCHITECTURE_NAMES) {
    await t.step(arch, async () => {
      await use("cpu");
      const reference = buildModel(arch, { seed: 9 });
      const weights = reference.getWeights().map((w) => w.dataSync() as Float32Array);
      reference.dispose();
      const wasm = await oneBatch("wasm", arch, weights);
      const cpu = await oneBatch("cpu", arch, weights);
      assert.ok(relativeError([wasm.loss], [cpu.loss]) <= 1e-4, `loss ${wasm.loss} vs ${cpu.loss}`);
      assert.equal(wasm.correct, cpu.correct);
      assert.equal(wasm.grads.length, cpu.grads.length);
      wasm.grads.forEach((g, i) => {
        const error = relativeError(g, cpu.grads[i]!);
        assert.ok(error <= 1e-3, `gradient ${i}: relative error ${error}`);
      });
    });
  }
});
