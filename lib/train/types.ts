/**
 * What a training run produces: the per-epoch history and the final result.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Architecture, Recipe } from "../models/architecture.ts";
import type { Evaluation } from "../evaluate/types.ts";
import type { EngineName } from "../runner/epoch_runner.ts";
import type { EpochLog } from "../runner/epoch_log.ts";

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
