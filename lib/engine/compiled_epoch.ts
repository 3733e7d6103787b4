/**
 * The epoch loop every compiled engine shares: draw the epoch's permutation and dropout
 * seed from the run's PRNG, run the steps (full batches, then the tail), read the running
 * sums back only at progress points, and stop on a diverged loss or an abort — the same
 * contract and messages as the tfjs path's `fitEpoch`.
 *
 * @module
 */
import { TrainingDivergedError } from "../errors.ts";
import { permutation } from "../random.ts";
import type { EpochArgs, EpochResult } from "../train/epoch_runner.ts";

/** What an executor offers the epoch loop. */
export interface Stepper {
  /** Samples in the training split. */
  readonly count: number;
  /** Full batch size (the last step of an epoch takes the rest). */
  readonly batchSize: number;
  /** Starts an epoch: sample order and the dropout seed; zeroes the sums and step counter. */
  beginEpoch(order: Int32Array, seed: number): void;
  /** Runs (or queues) one step of `size` samples; `readback` marks a progress point. */
  step(size: number, readback: boolean): void;
  /** Loss sum and correct count of the epoch so far, as of the last progress point. */
  readSums(): Promise<[number, number]>;
}

/**
 * Runs one epoch on a stepper.
 *
 * @param stepper The executor.
 * @param args The epoch's PRNG, progress settings and abort signal.
 * @param onStep Called after each step is queued (the runner counts steps for `sync`).
 * @returns Mean loss and accuracy, or `aborted`.
 * @throws {TrainingDivergedError} when the loss is not finite at a progress point.
 * @example
 * ```ts ignore
 * const result = await runCompiledEpoch(executor, { epoch: 1, epochs: 1, random, progressUpdates: 4 });
 * ```
 */
export async function runCompiledEpoch(
  stepper: Stepper,
  args: EpochArgs,
  onStep: () => void = () => {},
): Promise<EpochResult> {
  const { count, batchSize } = stepper;
  const steps = Math.ceil(count / batchSize);
  stepper.beginEpoch(permutation(count, args.random), Math.floor(args.random() * 2 ** 32));
  const every = Math.max(1, Math.floor(steps / Math.max(1, args.progressUpdates)));
  const start = performance.now();
  for (let step = 0; step < steps; step++) {
    if (args.signal?.aborted) return { aborted: true };
    const done = step + 1;
    const report = done % every === 0 || done === steps;
    stepper.step(Math.min(batchSize, count - step * batchSize), report);
    onStep();
    if (!report) continue;
    const [loss, correct] = await stepper.readSums();
    const seen = Math.min(done * batchSize, count);
    if (!Number.isFinite(loss)) {
      throw new TrainingDivergedError(
        `Training diverged: the loss became ${loss} in epoch ${args.epoch} by step ${done} ` +
          "(try a lower --learning-rate)",
      );
    }
    const seconds = (performance.now() - start) / 1000;
    args.onProgress?.({
      epoch: args.epoch,
      epochs: args.epochs,
      step: done,
      steps,
      loss: loss / seen,
      acc: correct / seen,
      seconds,
      imagesPerSecond: seen / seconds,
    });
    if (done === steps) {
      return { loss: loss / count, acc: correct / count, seconds, aborted: false };
    }
  }
  throw new Error("unreachable: the last step always reports");
}
