/**
 * The row type of a model comparison: what `compareModels` returns and the comparison report
 * draws. It lives in `lib/report/` so that imports run one way, compare → report.
 *
 * @module
 */
import type { EpochLog } from "../runner/epoch_log.ts";

/** One row of the comparison. */
export interface ComparisonRow {
  /** Architecture name. */
  arch: string;
  /** Seed notebooks it reproduces. */
  seeds: string[];
  /** Parameter count. */
  params: number;
  /** Epochs trained. */
  epochs: number;
  /** Batch size. */
  batchSize: number;
  /** Mean seconds per epoch. */
  secondsPerEpoch: number;
  /** Mean training images per second. */
  imagesPerSecond: number;
  /** Test accuracy (0–1). */
  accuracy: number;
  /** Wrong test predictions. */
  wrong: number;
  /** Test samples. */
  testCount: number;
  /** Best test accuracy the seeds reported (0–1); null for a user's own architecture. */
  seedAccuracy: number | null;
  /** `accuracy − seedAccuracy`; null without a seed accuracy. */
  difference: number | null;
  /** Per-epoch history, for overlaid curves. */
  history: EpochLog[];
}
