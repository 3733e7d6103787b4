/**
 * What every epoch loop (the tfjs path's `fitEpoch`, the compiled engines' loop) does at a
 * progress point: refuse a non-finite loss with one line, report progress, and at the last
 * step produce the epoch's result.
 *
 * @module
 */
import { TrainingDivergedError } from "../errors.ts";
import type { EpochArgs, EpochResult } from "./epoch_runner.ts";

/** The sums read back at a progress point, and where in the epoch it is. */
export interface ProgressPoint {
  /** Loss sum and correct count over the samples seen so far. */
  loss: number;
  correct: number;
  /** Steps done and steps in the epoch. */
  done: number;
  steps: number;
  batchSize: number;
  /** Samples in the epoch. */
  count: number;
  /** `performance.now()` at the epoch's start. */
  start: number;
}

/**
 * Handles a progress point.
 *
 * @returns The epoch's result at its last step, else `undefined`.
 * @throws {TrainingDivergedError} when the loss is not finite.
 */
export function progressPoint(
  args: Pick<EpochArgs, "epoch" | "epochs" | "onProgress">,
  p: ProgressPoint,
): EpochResult | undefined {
  const seen = Math.min(p.done * p.batchSize, p.count);
  if (!Number.isFinite(p.loss)) {
    throw new TrainingDivergedError(
      `Training diverged: the loss became ${p.loss} in epoch ${args.epoch} by step ${p.done} ` +
        "(try a lower --learning-rate)",
    );
  }
  const seconds = (performance.now() - p.start) / 1000;
  args.onProgress?.({
    epoch: args.epoch,
    epochs: args.epochs,
    step: p.done,
    steps: p.steps,
    loss: p.loss / seen,
    acc: p.correct / seen,
    seconds,
    imagesPerSecond: seen / seconds,
  });
  if (p.done < p.steps) return undefined;
  return { loss: p.loss / p.count, acc: p.correct / p.count, seconds, aborted: false };
}
