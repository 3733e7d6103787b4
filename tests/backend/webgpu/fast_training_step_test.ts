import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../../../lib/models/build_model.ts";
import { createFusedOptimizer } from "../../../lib/backend/webgpu/fused_optimizers.ts";
import { setWebGpuKernels } from "../../../lib/backend/webgpu/register_kernels.ts";
import {
  assertClose,
  HAS_WEBGPU,
  type HostTensor,
  randomHost,
  toTensor,
  useBackend,
} from "./_gpu_test_utils.ts";

const BATCH = 2;
const STEPS = 2;

/** Trains cnn-deep for STEPS steps from fixed weights; returns each weight's change. */
async function weightChanges(
  backend: "cpu" | "webgpu",
  initial: HostTensor[],
  makeOptimizer: () => tf.Optimizer,
): Promise<HostTensor[]> {
  await useBackend(backend);
  const model = buildModel("cnn-deep");
  model.setWeights(initial.map(toTensor));
  const optimizer = makeOptimizer();
  const images = toTensor({ ...randomHost([BATCH, 28, 28, 1], 1), shape: [BATCH, 28, 28, 1] });
  const labels = tf.oneHot(tf.tensor1d([3, 7], "int32"), 10);
  for (let step = 0; step < STEPS; step++) {
    tf.tidy(() => {
      optimizer.minimize(() => {
        const logits = model.apply(images, { training: true }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      });
    });
  }
  const after = await Promise.all(model.getWeights().map((w) => w.data()));
  tf.dispose([images, labels]);
  optimizer.dispose();
  model.dispose();
  return after.map((values, i) => ({
    shape: initial[i]!.shape,
    values: Float32Array.from(values, (v, j) => v - initial[i]!.values[j]!),
  }));
}

Deno.test({
  name: "a cnn-deep step with the fast kernels and fused RMSprop matches tfjs on cpu",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("cpu");
    const seeded = buildModel("cnn-deep", { seed: 42 });
    const initial = await Promise.all(
      seeded.getWeights().map(async (w) => ({
        shape: w.shape,
        values: Float32Array.from(await w.data()),
      })),
    );
    seeded.dispose();
    const expected = await weightChanges(
      "cpu",
      initial,
      () => tf.train.rmsprop(0.001, 0.9, 0, 1e-7),
    );
    setWebGpuKernels("fast");
    const actual = await weightChanges(
      "webgpu",
      initial,
      () => createFusedOptimizer("rmsprop", 0.001),
    );
    // Compare the changes, not the weights: a wrong update would hide in the weights' size.
    actual.forEach((change, i) => assertClose(change, expected[i]!));
  },
});
