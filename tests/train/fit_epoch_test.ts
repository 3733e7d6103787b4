import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { labelsToTensor } from "../../lib/data/tensors.ts";
import { imagesToDevice } from "../../lib/train/device_images.ts";
import { KERAS_EPSILON } from "../../lib/models/loss.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { fitEpoch } from "../../lib/train/fit_epoch.ts";
import { createOptimizer } from "../../lib/train/optimizer.ts";
import { mulberry32 } from "../../lib/random.ts";
import { syntheticSplit, useCpu } from "../_synthetic.ts";

const CLIP_VALUES = [Math.fround(KERAS_EPSILON), Math.fround(1 - KERAS_EPSILON)];

/** Runs one epoch of `steps` steps and returns how many clip-bound scalars were made. */
async function clipScalarsMade(steps: number): Promise<number> {
  const split = syntheticSplit(steps * 8, 2);
  const images = imagesToDevice(split);
  const labels = labelsToTensor(split) as tf.Tensor1D;
  const model = buildModel("mlp", { seed: 1 });
  // SGD: tfjs' Adam and RMSprop make an ε = 1e-7 scalar of their own per variable and step.
  const optimizer = createOptimizer("sgd", 0.01);
  const engine = tf.engine() as unknown as { makeTensor: (...args: unknown[]) => tf.Tensor };
  const makeTensor = engine.makeTensor;
  let made = 0;
  engine.makeTensor = function (this: unknown, ...args: unknown[]) {
    const t = makeTensor.apply(this, args);
    const values = args[0] as ArrayLike<number>;
    if (t.rank === 0 && CLIP_VALUES.includes(Math.fround(values[0]!))) made++;
    return t;
  };
  try {
    const result = await fitEpoch({
      model,
      optimizer,
      images,
      labels,
      batchSize: 8,
      epoch: 1,
      epochs: 1,
      random: mulberry32(1),
      progressUpdates: 2,
    });
    assert.equal(result.aborted, false);
  } finally {
    engine.makeTensor = makeTensor;
    images.dispose();
    labels.dispose();
    optimizer.dispose();
    model.dispose();
  }
  return made;
}

Deno.test("fitEpoch() makes the loss's clip constants once per epoch, not once per step", async () => {
  await useCpu();
  // Each would be an upload ending the compute pass on WebGPU, every step.
  assert.equal(await clipScalarsMade(3), 2);
  assert.equal(await clipScalarsMade(12), 2);
});

Deno.test("fitEpoch() takes the images as imagesToDevice() or as one tensor, alike", async () => {
  await useCpu();
  const split = syntheticSplit(48, 3);
  const run = async (images: tf.Tensor4D | ReturnType<typeof imagesToDevice>) => {
    const model = buildModel("mlp", { seed: 5 });
    const optimizer = createOptimizer("adam", 0.003);
    const labels = labelsToTensor(split) as tf.Tensor1D;
    const result = await fitEpoch({
      model,
      optimizer,
      images,
      labels,
      batchSize: 16,
      epoch: 1,
      epochs: 1,
      random: mulberry32(4),
      progressUpdates: 1,
    });
    tf.dispose([labels]);
    optimizer.dispose();
    model.dispose();
    assert.equal(result.aborted, false);
    return result.aborted ? undefined : { loss: result.loss, acc: result.acc };
  };
  const device = imagesToDevice(split);
  const tensor = tf.tidy(() => tf.div(tf.tensor4d(split.images, [48, 28, 28, 1], "float32"), 255));
  assert.deepEqual(await run(device), await run(tensor as tf.Tensor4D));
  device.dispose();
  tensor.dispose();
});
