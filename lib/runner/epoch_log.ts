/**
 * What the epoch loops report: an epoch's metrics as Keras' `history` records them, and the
 * progress inside an epoch. Shared by every layer that trains, saves, prints or plots a run
 * (the saved `metadata.json` holds the history), so it imports nothing.
 *
 * @module
 */

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
