/**
 * The epoch loop of `trainInBrowser`, apart from its option handling and model assembly:
 * the Deno tasks' `runCompiledEpoch` per epoch with their Keras-style lines, the first
 * step's loss reported on its own line, and the seconds the finished epochs took (for
 * ms/step).
 *
 * @module
 */
import { runCompiledEpoch, type Stepper } from "../engine/compiled_epoch.ts";
import { mulberry32 } from "../random.ts";
import type { EpochLog, StepProgress } from "../runner/epoch_log.ts";
import { epochLine, progressLine } from "../cli/progress.ts";

/** What the loop needs from `TrainInBrowserOptions`. */
export interface EpochLoopOptions {
  progressUpdates?: number;
  onProgress?: (progress: StepProgress & { line: string }) => void;
  signal?: AbortSignal;
}

/** What the loop returns. */
export interface EpochLoopResult {
  /** One entry per finished epoch. */
  history: EpochLog[];
  /** Mean loss of the first step (undefined when aborted before it). */
  firstStepLoss?: number;
  /** Seconds over the finished epochs. */
  seconds: number;
  /** True when the signal stopped the run. */
  aborted: boolean;
}

/** The run: `epochs` epochs of `count` images, `batchSize` a step, shuffled from `seed`. */
export interface EpochLoopRun {
  stepper: Stepper;
  epochs: number;
  count: number;
  batchSize: number;
  seed: number;
}

/**
 * Runs the epochs, logging each Keras-style line to `log`.
 *
 * @returns The finished epochs' history and time, the first step's loss, whether aborted.
 */
export async function runBrowserEpochs(
  run: EpochLoopRun,
  log: (line: string) => void,
  options: EpochLoopOptions,
): Promise<EpochLoopResult> {
  const { stepper, epochs, count } = run;
  const random = mulberry32(run.seed ^ 0x5eed);
  const steps = Math.ceil(count / run.batchSize);
  const history: EpochLog[] = [];
  let firstStepLoss: number | undefined;
  let seconds = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    log(`Epoch ${epoch}/${epochs}`);
    const result = await runCompiledEpoch(stepper, {
      epoch,
      epochs,
      random,
      progressUpdates: options.progressUpdates ?? 20,
      firstStep: epoch === 1,
      signal: options.signal,
      onProgress: (p) => {
        if (p.epoch === 1 && p.step === 1 && firstStepLoss === undefined) {
          firstStepLoss = p.loss;
          log(`First step: loss ${p.loss.toFixed(4)} (ln 10 = 2.3026 for a fresh start)`);
        }
        options.onProgress?.({ ...p, line: progressLine(p) });
      },
    });
    if (result.aborted) return { history, firstStepLoss, seconds, aborted: true };
    const entry: EpochLog = {
      epoch,
      loss: result.loss,
      acc: result.acc,
      seconds: result.seconds,
      imagesPerSecond: count / result.seconds,
    };
    history.push(entry);
    seconds += result.seconds;
    log(epochLine(entry, steps));
  }
  return { history, firstStepLoss, seconds, aborted: false };
}
