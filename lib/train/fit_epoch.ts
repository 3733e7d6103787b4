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
import { countCorrect, sparseCrossEntropy } from "../models/loss.ts";
import { permutation } from "../random.ts";
import type { StepProgress } from "./types.ts";
import type { EpochResult } from "./epoch_runner.ts";
import { progressPoint } from "./_progress_point.ts";

/** What one epoch needs. */
export interface FitEpochInput {
  /** The model being trained (its trainable weights are updated). */
  model: tf.LayersModel;
  /** The optimizer (its state carries over between epochs). */
  optimizer: tf.Optimizer;
  /** All training images `[n, 28, 28, 1]`. */
  images: tf.Tensor4D;
  /** All training labels `[n]`, int32. */
  labels: tf.Tensor1D;
  /** Mini-batch size. */
  batchSize: number;
  /** 1-based epoch number and total, for progress. */
  epoch: number;
  epochs: number;
  /** PRNG for the shuffle and the dropout masks. */
  random: () => number;
  /** Progress reports per epoch (each costs one readback). */
  progressUpdates: number;
  /** Called with progress a few times per epoch. */
  onProgress?: (progress: StepProgress) => void;
  /** Stops after the current step when aborted. */
  signal?: AbortSignal;
}

/** Mean loss and accuracy of an epoch, or `aborted`. */
export type FitEpochResult = EpochResult;

type DropoutLike = tf.layers.Layer & { seed?: number };

function dropoutLayers(model: tf.LayersModel): DropoutLike[] {
  return model.layers.filter((l) => l.getClassName() === "Dropout") as DropoutLike[];
}

/** Trains one epoch; see the module doc for why it reads back so rarely. */
export async function fitEpoch(input: FitEpochInput): Promise<FitEpochResult> {
  const { model, optimizer, images, labels, batchSize } = input;
  const count = images.shape[0];
  const steps = Math.ceil(count / batchSize);
  const order = tf.tensor1d(permutation(count, input.random), "int32");
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const dropouts = dropoutLayers(model);
  const savedSeeds = dropouts.map((d) => d.seed);
  const every = Math.max(1, Math.floor(steps / Math.max(1, input.progressUpdates)));
  let lossSum: tf.Scalar = tf.scalar(0);
  let correctSum: tf.Scalar = tf.scalar(0);
  const start = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      if (input.signal?.aborted) return { aborted: true };
      const size = Math.min(batchSize, count - step * batchSize);
      // A fixed seed per layer would repeat one dropout mask forever; derive one per step.
      for (const d of dropouts) d.seed = Math.floor(input.random() * 2 ** 31);
      const [nextLoss, nextCorrect] = tf.tidy(() => {
        const index = order.slice(step * batchSize, size);
        const x = tf.gather(images, index);
        const y = tf.gather(labels, index) as tf.Tensor1D;
        let correct: tf.Scalar | undefined;
        const loss = optimizer.minimize(
          () => {
            const probabilities = model.apply(x, { training: true }) as tf.Tensor2D;
            correct = tf.keep(countCorrect(probabilities, y));
            return sparseCrossEntropy(probabilities, y);
          },
          true,
          weights,
        )!;
        const sums = [tf.add(lossSum, tf.mul(loss, size)), tf.add(correctSum, correct!)];
        correct!.dispose();
        return sums as [tf.Scalar, tf.Scalar];
      });
      lossSum.dispose();
      correctSum.dispose();
      lossSum = nextLoss;
      correctSum = nextCorrect;
      const done = step + 1;
      if (done % every === 0 || done === steps) {
        const [loss, correct] = await readSums(lossSum, correctSum);
        const point = { loss, correct, done, steps, batchSize, count, start };
        const result = progressPoint(input, point);
        if (result) return result;
      }
    }
    throw new Error("unreachable: the last step always reports");
  } finally {
    dropouts.forEach((d, i) => (d.seed = savedSeeds[i]));
    order.dispose();
    lossSum.dispose();
    correctSum.dispose();
  }
}

async function readSums(loss: tf.Scalar, correct: tf.Scalar): Promise<[number, number]> {
  // Awaited together, both readbacks share one wait on the GPU.
  const [l, c] = await Promise.all([loss.data(), correct.data()]);
  return [l[0]!, c[0]!];
}
