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
  const { model, batchSize } = input;
  const { gather, count } = batchGatherer(input.images);
  const steps = Math.ceil(count / batchSize);
  const order = tf.tensor1d(permutation(count, input.random), "int32");
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const dropouts = dropoutLayers(model);
  const savedSeeds = dropouts.map((d) => d.seed);
  const every = Math.max(1, Math.floor(steps / Math.max(1, input.progressUpdates)));
  let sums: Sums = [tf.scalar(0), tf.scalar(0)];
  const constants = epochConstants(batchSize, count - (steps - 1) * batchSize);
  const context: StepContext = { ...input, gather, order, weights, constants };
  const device = webGpuDevice();
  let scopes: ErrorScopes | undefined = device && openErrorScopes(device);
  const start = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      if (input.signal?.aborted) return { aborted: true };
      const size = Math.min(batchSize, count - step * batchSize);
      // A fixed seed per layer would repeat one dropout mask forever; derive one per step.
      for (const d of dropouts) d.seed = Math.floor(input.random() * 2 ** 31);
      const next = trainStep(context, step, size, sums);
      tf.dispose(sums);
      sums = next;
      const done = step + 1;
      if (done % every === 0 || done === steps) {
        const where = `training epoch ${input.epoch}, step ${done}`;
        const [loss, correct] = await readSums(sums, scopes, where);
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
    tf.dispose(sums);
    tf.dispose([constants.clip.low, constants.clip.high, constants.full, constants.last]);
  }
}

/** The running loss sum and correct count of an epoch, kept on the device. */
type Sums = [tf.Scalar, tf.Scalar];

/** What every step of an epoch shares. */
interface StepContext {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  labels: tf.Tensor1D;
  batchSize: number;
  /** Gathers the images at `index` into a batch. */
  gather: (index: tf.Tensor1D) => tf.Tensor4D;
  /** The epoch's shuffled sample order. */
  order: tf.Tensor1D;
  /** The variables the optimizer updates. */
  weights: tf.Variable[];
  constants: ReturnType<typeof epochConstants>;
}

/** The batch gatherer and sample count of either kind of device-resident images. */
function batchGatherer(images: tf.Tensor4D | DeviceImages): {
  gather: (index: tf.Tensor1D) => tf.Tensor4D;
  count: number;
} {
  if (images instanceof tf.Tensor) {
    return { gather: (index) => tf.gather(images, index) as tf.Tensor4D, count: images.shape[0] };
  }
  return { gather: (index) => images.gather(index), count: images.count };
}

/**
 * One optimizer step on batch `step` (of `size` samples): returns new sums with the batch's
 * loss (weighted by its size) and correct count added, without reading anything back.
 */
function trainStep(context: StepContext, step: number, size: number, sums: Sums): Sums {
  const { model, optimizer, labels, batchSize, constants } = context;
  return tf.tidy(() => {
    const index = context.order.slice(step * batchSize, size);
    const x = context.gather(index);
    const y = tf.gather(labels, index) as tf.Tensor1D;
    let correct: tf.Scalar | undefined;
    const loss = optimizer.minimize(
      () => {
        const probabilities = model.apply(x, { training: true }) as tf.Tensor2D;
        correct = tf.keep(countCorrect(probabilities, y));
        return sparseCrossEntropy(probabilities, y, constants.clip);
      },
      true,
      context.weights,
    )!;
    const weight = size === batchSize ? constants.full : constants.last;
    const next = [tf.add(sums[0], tf.mul(loss, weight)), tf.add(sums[1], correct!)];
    correct!.dispose();
    return next as Sums;
  });
}

/** The webgpu device when webgpu is active (guarded: its errors become exceptions). */
function webGpuDevice(): GPUDevice | undefined {
  if (tf.getBackend() !== "webgpu") return undefined;
  guardWebGpuBackend(tf.backend());
  return (tf.backend() as unknown as { device: GPUDevice }).device;
}

/** Reads the sums back, after checking the WebGPU error scopes of the stretch. */
async function readSums(
  [loss, correct]: Sums,
  scopes: ErrorScopes | undefined,
  where: string,
): Promise<[number, number]> {
  // Awaited together, both readbacks share one wait on the GPU. The scopes are checked
  // first: after a WebGPU error the sums are garbage, not a reason to report divergence.
  const [l, c] = await Promise.all([loss.data(), correct.data(), scopes?.close(where)]);
  return [l[0]!, c[0]!];
}
