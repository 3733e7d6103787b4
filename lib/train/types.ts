/**
 * What a training run produces: the per-epoch history and the final result.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Architecture, Recipe } from "../models/architecture.ts";
import type { Evaluation } from "../evaluate/types.ts";
import type { EngineName } from "./epoch_runner.ts";

/** Metrics of one completed epoch, as Keras' `history` records them. */
export interface EpochLog {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss (sparse categorical cross-entropy) over the epoch. */
  loss: number;
  /** Training accuracy (0–1) over the epoch. */
  acc: number;
  /** Validation loss, when a validation split was used. */
  valLoss?: number;
  /** Validation accuracy (0–1), when a validation split was used. */
  valAcc?: number;
  /** Wall-clock seconds the epoch's training steps took. */
  seconds: number;
  /** Training images per second. */
  imagesPerSecond: number;
}

/** Progress inside an epoch, reported a few times per epoch (never per step on a GPU). */
export interface StepProgress {
  /** 1-based epoch number. */
  epoch: number;
  /** Total epochs of the run. */
  epochs: number;
  /** Steps done in this epoch. */
  step: number;
  /** Steps per epoch. */
  steps: number;
  /** Mean loss so far in this epoch. */
  loss: number;
  /** Accuracy so far in this epoch. */
  acc: number;
  /** Seconds since the epoch started. */
  seconds: number;
  /** Images per second so far in this epoch. */
  imagesPerSecond: number;
}

/** Everything `trainCnn` returns. */
export interface TrainResult {
  /** The trained model (a standard tfjs layers model). */
  model: tf.Sequential;
  /** Architecture name. */
  arch: string;
  /** The architecture trained (what a comparison or report reads; no name look-up). */
  architecture: Architecture;
  /** The recipe actually used (seed defaults overridden by options). */
  recipe: Recipe;
  /** One entry per completed epoch, including epochs of a resumed run. */
  history: EpochLog[];
  /** Final evaluation on the test split. */
  test: Evaluation;
  /** The tfjs backend that trained the model. */
  backend: string;
  /**
   * The engine that ran the training steps (`compiled`: the fused plan of `lib/engine/`;
   * `tfjs`: one tfjs kernel per op), or `undefined` when a saved model was reused.
   */
  engine?: EngineName;
  /** Training samples used per epoch. */
  trainCount: number;
  /** True when an existing saved model was reused instead of training. */
  reused: boolean;
}
