/**
 * The epoch loop every compiled engine shares: draw the epoch's permutation and dropout
 * seed from the run's PRNG, run the steps (full batches, then the tail), read the running
 * sums back only at progress points, and stop on a diverged loss or an abort — the same
 * contract and messages as the tfjs path's `fitEpoch`.
 *
 * @module
 */
import { permutation } from "../random.ts";
import type { EpochArgs, EpochResult } from "../runner/epoch_runner.ts";
import { progressPoint } from "../runner/progress_point.ts";
import { type ErrorScopes, openErrorScopes } from "../backend/webgpu/gpu_errors.ts";

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
  /**
   * The GPU device, when the steps run on one: each stretch between progress points then
   * runs inside WebGPU error scopes, and an error becomes a `GpuError` with WebGPU's message
   * at the next progress point instead of a silently wrong epoch.
   */
  readonly device?: GPUDevice;
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
  const { device } = stepper;
  let scopes: ErrorScopes | undefined = device && openErrorScopes(device);
  try {
    for (let step = 0; step < steps; step++) {
      if (args.signal?.aborted) return { aborted: true };
      const done = step + 1;
      const report = done % every === 0 || done === steps || (done === 1 && !!args.firstStep);
      stepper.step(Math.min(batchSize, count - step * batchSize), report);
      onStep();
      if (!report) continue;
      const where = `epoch ${args.epoch}, steps up to ${done}`;
      const [[loss, correct]] = await Promise.all([stepper.readSums(), scopes?.close(where)]);
      scopes = device && done < steps ? openErrorScopes(device) : undefined;
      const result = progressPoint(args, { loss, correct, done, steps, batchSize, count, start });
      if (result) return result;
    }
    throw new Error("unreachable: the last step always reports");
  } finally {
    // Keeps the device's scope stack balanced after an abort or a throw.
    await scopes?.close("").catch(() => {});
  }
}
