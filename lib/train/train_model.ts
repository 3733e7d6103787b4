/**
 * `trainModel`: the epoch loop of a training run — shuffle streams, the engine that runs the
 * steps, per-epoch metrics, validation and callbacks. It knows nothing about files or
 * backends: the caller hands it a model, an optimizer and the data, and checkpoints (or not)
 * in its `onEpoch` callback.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Architecture, Recipe } from "../models/architecture.ts";
import type { MnistSplit } from "../data/types.ts";
import { evaluateModel } from "../evaluate/evaluate_model.ts";
import { mulberry32 } from "../random.ts";
import type { EngineName, EpochRunner, EpochRunnerInput } from "../runner/epoch_runner.ts";
import { createTfjsRunner } from "./tfjs_runner.ts";
import type { EpochLog, StepProgress } from "../runner/epoch_log.ts";

/** The data of a run: what it trains on, and what it validates on after each epoch. */
export interface TrainingData {
  /** Training samples. */
  train: MnistSplit;
  /** Held-out samples evaluated after each epoch (Keras' `val_loss` / `val_acc`). */
  validation?: MnistSplit;
}

/** How `trainModel` runs, and what it tells the caller. */
export interface TrainModelOptions {
  /** The architecture (engines compiled from its data need it). */
  arch: Architecture;
  /** The optimizer; its state carries over between epochs. */
  optimizer: tf.Optimizer;
  /** Seed of the run: each epoch's shuffle and dropout stream derive from it. */
  seed: number;
  /** Epochs already done (a resumed run); training continues after them. @default [] */
  history?: readonly EpochLog[];
  /** Progress reports per epoch. */
  progressUpdates: number;
  /** Creates the engine that runs the steps. @default the tfjs path (`fitEpoch`) */
  createRunner?: (input: EpochRunnerInput) => Promise<EpochRunner> | EpochRunner;
  /** Stops after the current step; `trainModel` then returns with `interruptedIn` set. */
  signal?: AbortSignal;
  /** Called a few times per epoch. */
  onProgress?: (progress: StepProgress) => void;
  /** Called after each epoch with its log and the history so far (e.g. to checkpoint). */
  onEpoch?: (log: EpochLog, history: readonly EpochLog[]) => void | Promise<void>;
}

/** The history of a run, and the epoch it was interrupted in, if it was. */
export interface TrainModelResult {
  /** Every completed epoch, including those of a resumed run. */
  history: EpochLog[];
  /** The engine that ran the steps. */
  engine: EngineName;
  /** The epoch during which the signal stopped training. */
  interruptedIn?: number;
}

/** One shuffle/dropout stream per epoch, so a resumed run repeats an uninterrupted one. */
export function epochRandom(seed: number, epoch: number): () => number {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 31) + epoch * 0x85ebca6b);
}

/**
 * Trains `model` for the recipe's epochs (after any already in `history`).
 *
 * @throws {TrainingDivergedError} when the loss becomes NaN or infinite.
 *
 * @example Train one epoch of the MLP on a tiny split
 * ```ts ignore
 * const optimizer = createOptimizer("adam", 0.001);
 * const { history } = await trainModel(buildModel("mlp", { seed: 1 }), { train }, recipe, {
 *   arch: "mlp", optimizer, seed: 1, progressUpdates: 1,
 * });
 * ```
 */
export async function trainModel(
  model: tf.LayersModel,
  data: TrainingData,
  recipe: Recipe,
  options: TrainModelOptions,
): Promise<TrainModelResult> {
  const history = [...options.history ?? []];
  const input = {
    arch: options.arch,
    model,
    optimizer: options.optimizer,
    train: data.train,
    batchSize: recipe.batchSize,
  };
  const runner = await (options.createRunner ?? createTfjsRunner)(input);
  try {
    for (let epoch = history.length + 1; epoch <= recipe.epochs; epoch++) {
      const result = await runner.runEpoch({
        epoch,
        epochs: recipe.epochs,
        random: epochRandom(options.seed, epoch),
        signal: options.signal,
        progressUpdates: options.progressUpdates,
        onProgress: options.onProgress,
      });
      if (result.aborted) return { history, engine: runner.engine, interruptedIn: epoch };
      await runner.sync();
      const log: EpochLog = {
        epoch,
        loss: result.loss,
        acc: result.acc,
        seconds: result.seconds,
        imagesPerSecond: data.train.count / result.seconds,
      };
      if (data.validation) {
        const val = await evaluateModel(model, data.validation);
        Object.assign(log, { valLoss: val.loss, valAcc: val.accuracy });
      }
      history.push(log);
      await options.onEpoch?.(log, history);
    }
    return { history, engine: runner.engine };
  } finally {
    runner.dispose();
  }
}
