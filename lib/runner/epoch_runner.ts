/**
 * The seam between the training loop and whatever runs a training step. The loop
 * (`trainModel`) knows epochs, history, callbacks and checkpoints; an `EpochRunner` knows how
 * to run one epoch of steps. Two kinds plug in here: the tfjs path (`fitEpoch`: one tfjs
 * kernel per op, any backend) and the compiled engines of `lib/engine/` (a fixed plan of fused
 * kernels over persistent buffers, on WebGPU or wasm).
 *
 * A compiled engine may keep the weights and the optimizer state in buffers of its own while
 * it trains; `sync()` writes them back into the tfjs model and optimizer, so saving,
 * evaluation and `--resume` see exactly what a tfjs run would leave.
 *
 * The contract lives below both `lib/train/` and `lib/engine/` so that imports run one way:
 * train picks a runner (`lib/train/create_runner.ts`), the engines implement it.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { MnistSplit } from "../data/types.ts";
import type { Architecture } from "../models/architecture.ts";
import type { StepProgress } from "./epoch_log.ts";

/** Which implementation runs the training steps. */
export type EngineName = "compiled" | "tfjs";
/** An engine request: a name, or `auto` (compiled where it supports the model and backend). */
export type EngineRequest = EngineName | "auto";

/** Mean loss and accuracy of an epoch, or `aborted` when the signal fired mid-epoch. */
export type EpochResult =
  | { loss: number; acc: number; seconds: number; aborted: false }
  | { aborted: true };

/** What one epoch needs besides the state the runner was created with. */
export interface EpochArgs {
  /** 1-based epoch number and total, for progress. */
  epoch: number;
  epochs: number;
  /** PRNG of this epoch: the shuffle, then the dropout seeds, are drawn from it. */
  random: () => number;
  /** Progress reports per epoch (each costs one readback on a GPU). */
  progressUpdates: number;
  /** Called with progress a few times per epoch. */
  onProgress?: (progress: StepProgress) => void;
  /** Stops after the current step when aborted. */
  signal?: AbortSignal;
  /**
   * Also report after the first step (one more readback), for the run's first-step loss
   * (≈ ln 10 = 2.30 from a fresh start). Compiled engines only. @default false
   */
  firstStep?: boolean;
}

/** What a runner is created from: the model and optimizer it trains, on which data. */
export interface EpochRunnerInput {
  /** The architecture, for engines compiled from its data. */
  arch: Architecture;
  /** The tfjs model being trained; its weights are the source and destination of `sync`. */
  model: tf.LayersModel;
  /** The tfjs optimizer; its slots hold the optimizer state between runs. */
  optimizer: tf.Optimizer;
  /** Training samples as raw bytes (a runner uploads them once). */
  train: MnistSplit;
  /** Mini-batch size; the last batch of an epoch may be smaller. */
  batchSize: number;
}

/** Runs the epochs of one training run. */
export interface EpochRunner {
  /** Which engine this is, for the logs and the bench. */
  readonly engine: EngineName;
  /** Trains one epoch over the whole training split. */
  runEpoch(args: EpochArgs): Promise<EpochResult>;
  /** Writes weights and optimizer state held by the engine back into the model and optimizer. */
  sync(): Promise<void>;
  /** Frees the runner's buffers (the model and optimizer stay). */
  dispose(): void;
}
