/**
 * Checkpointing as an epoch callback: after every epoch the model and the optimizer's state
 * are saved with metadata saying how far the run got, so Ctrl-C loses at most one epoch and
 * `--resume` continues exactly. The finished model is saved once more with its test metrics
 * and without optimizer state.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Architecture, Recipe } from "../models/architecture.ts";
import type { ModelMetadata } from "../models/metadata.ts";
import { saveModel } from "../models/save_model.ts";
import type { EpochLog } from "../runner/epoch_log.ts";

/** What the metadata of every save of one run shares. */
export interface RunDescription {
  /** Architecture name. */
  arch: string;
  /** The architecture itself, recorded so the model loads without its file. */
  architecture: Architecture;
  /** Recipe used. */
  recipe: Recipe;
  /** Seed of the run. */
  seed: number;
  /** Training samples per epoch. */
  trainCount: number;
  /** Validation fraction. */
  validation: number;
  /** SHA-256 of the dataset files. */
  datasetSha256: Record<string, string>;
  /** The backend that trained it. */
  backend: string;
}

/** Saves one run into one folder: a checkpoint per epoch, then the finished model. */
export interface Checkpointer {
  /** Saves the model, the optimizer state and the history after an epoch. */
  afterEpoch(history: readonly EpochLog[]): Promise<void>;
  /** Saves the finished model with its test metrics (no optimizer state). */
  finish(history: readonly EpochLog[], test: NonNullable<ModelMetadata["test"]>): Promise<void>;
}

/** The metadata of a save after `history`, with test metrics when the run is finished. */
export function runMetadata(
  run: RunDescription,
  history: readonly EpochLog[],
  test?: ModelMetadata["test"],
): ModelMetadata {
  return {
    format: 1,
    ...run,
    epochsCompleted: history.length,
    history: [...history],
    ...(test ? { test } : {}),
    date: new Date().toISOString(),
  };
}

/**
 * Creates the checkpointer of a run saving into `dir`.
 *
 * Requires `--allow-write` for `dir`.
 */
export function checkpointer(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  run: RunDescription,
): Checkpointer {
  return {
    afterEpoch: (history) => saveModel(model, dir, runMetadata(run, history), optimizer),
    finish: (history, test) => saveModel(model, dir, runMetadata(run, history, test)),
  };
}
