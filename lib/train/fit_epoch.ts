/**
 * One training epoch over a dataset that already lives on the backend as one tensor.
 *
 * Why not `model.fit`: on WebGPU in Deno every GPU→CPU readback costs ~12 ms, and `fit`
 * reads the loss back after every batch. Here batches are gathered on the device from a
 * seeded permutation, loss and correct counts accumulate on the device, and they are read
 * back only a few times per epoch (for progress and the NaN check) and once at its end.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  type ErrorScopes,
  guardWebGpuBackend,
  openErrorScopes,
} from "../backend/webgpu/gpu_errors.ts";
import type { DeviceImages } from "./device_images.ts";
import { countCorrect, KERAS_EPSILON, sparseCrossEntropy } from "../models/loss.ts";
import { permutation } from "../random.ts";
import type { EpochArgs, EpochResult } from "../runner/epoch_runner.ts";
import { progressPoint } from "../runner/progress_point.ts";

/** What one epoch needs: the epoch's arguments, plus the model, optimizer and data. */
export interface FitEpochInput extends EpochArgs {
  /** The model being trained (its trainable weights are updated). */
  model: tf.LayersModel;
  /** The optimizer (its state carries over between epochs). */
  optimizer: tf.Optimizer;
  /** All training images: a float32 `[n, 28, 28, 1]` tensor or `imagesToDevice()`'s. */
  images: tf.Tensor4D | DeviceImages;
  /** All training labels `[n]`, int32. */
  labels: tf.Tensor1D;
  /** Mini-batch size. */
  batchSize: number;
}

/** Mean loss and accuracy of an epoch, or `aborted`. */
export type FitEpochResult = EpochResult;

type DropoutLike = tf.layers.Layer & { seed?: number };

function dropoutLayers(model: tf.LayersModel): DropoutLike[] {
  return model.layers.filter((l) => l.getClassName() === "Dropout") as DropoutLike[];
}

/** Scalars made once per epoch: numbers would become new tensors (uploads) on every step. */
function epochConstants(batchSize: number, lastBatch: number) {
  return {
    clip: { low: tf.scalar(KERAS_EPSILON), high: tf.scalar(1 - KERAS_EPSILON) },
    full: tf.scalar(batchSize),
    last: tf.scalar(lastBatch),
  };
}

/**
 * Trains one epoch; see the module doc for why it reads back so rarely.
 *
 * On webgpu, every WebGPU error (a binding over the device's limit, out of memory) is caught
 * by error scopes opened for each stretch between progress reports and becomes a
 * `GpuError` at the next report, before any result is returned.
 *
 * @throws {TrainingDivergedError} when the loss becomes NaN or infinite.
 * @throws {GpuError} when WebGPU reported an error during the epoch.
 */
export async function fitEpoch(input: FitEpochInput): Promise<FitEpochResult> {
  const { model, optimizer, labels, batchSize } = input;
  const images = input.images;
  const gather = images instanceof tf.Tensor
    ? (index: tf.Tensor1D) => tf.gather(images, index) as tf.Tensor4D
    : (index: tf.Tensor1D) => images.gather(index);
  const count = images instanceof tf.Tensor ? images.shape[0] : images.count;
  const steps = Math.ceil(count / batchSize);
  const order = tf.tensor1d(permutation(count, input.random), "int32");
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const dropouts = dropoutLayers(model);
  const savedSeeds = dropouts.map((d) => d.seed);
  const every = Math.max(1, Math.floor(steps / Math.max(1, input.progressUpdates)));
  let lossSum: tf.Scalar = tf.scalar(0);
  let correctSum: tf.Scalar = tf.scalar(0);
  const constants = epochConstants(batchSize, count - (steps - 1) * batchSize);
  const device = webGpuDevice();
  let scopes: ErrorScopes | undefined = device && openErrorScopes(device);
  const start = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      if (input.signal?.aborted) return { aborted: true };
      const size = Math.min(batchSize, count - step * batchSize);
      // A fixed seed per layer would repeat one dropout mask forever; derive one per step.
      for (const d of dropouts) d.seed = Math.floor(input.random() * 2 ** 31);
      const [nextLoss, nextCorrect] = tf.tidy(() => {
        const index = order.slice(step * batchSize, size);
        const x = gather(index);
        const y = tf.gather(labels, index) as tf.Tensor1D;
        let correct: tf.Scalar | undefined;
        const loss = optimizer.minimize(
          () => {
            const probabilities = model.apply(x, { training: true }) as tf.Tensor2D;
            correct = tf.keep(countCorrect(probabilities, y));
            return sparseCrossEntropy(probabilities, y, constants.clip);
          },
          true,
          weights,
        )!;
        const weight = size === batchSize ? constants.full : constants.last;
        const sums = [tf.add(lossSum, tf.mul(loss, weight)), tf.add(correctSum, correct!)];
        correct!.dispose();
        return sums as [tf.Scalar, tf.Scalar];
      });
      lossSum.dispose();
      correctSum.dispose();
      lossSum = nextLoss;
      correctSum = nextCorrect;
      const done = step + 1;
      if (done % every === 0 || done === steps) {
        const where = `training epoch ${input.epoch}, step ${done}`;
        const [loss, correct] = await readSums(lossSum, correctSum, scopes, where);
        scopes = device && done < steps ? openErrorScopes(device) : undefined;
        const point = { loss, correct, done, steps, batchSize, count, start };
        const result = progressPoint(input, point);
        if (result) return result;
      }
    }
    throw new Error("unreachable: the last step always reports");
  } finally {
    // Keeps the device's scope stack balanced after an abort or a throw.
    await scopes?.close("").catch(() => {});
    dropouts.forEach((d, i) => (d.seed = savedSeeds[i]));
    order.dispose();
    lossSum.dispose();
    correctSum.dispose();
    tf.dispose([constants.clip.low, constants.clip.high, constants.full, constants.last]);
  }
}

/** The webgpu device when webgpu is active (guarded: its errors become exceptions). */
function webGpuDevice(): GPUDevice | undefined {
  if (tf.getBackend() !== "webgpu") return undefined;
  guardWebGpuBackend(tf.backend());
  return (tf.backend() as unknown as { device: GPUDevice }).device;
}

async function readSums(
  loss: tf.Scalar,
  correct: tf.Scalar,
  scopes: ErrorScopes | undefined,
  where: string,
): Promise<[number, number]> {
  // Awaited together, both readbacks share one wait on the GPU. The scopes are checked
  // first: after a WebGPU error the sums are garbage, not a reason to report divergence.
  const [l, c] = await Promise.all([loss.data(), correct.data(), scopes?.close(where)]);
  return [l[0]!, c[0]!];
}
