/**
 * A model as the browser holds it: the architecture and its packed parameters (the compiled
 * engines' layout, `plan.ts`), with what `metadata.json` records about its training. What
 * the trainer returns, the exporter writes and the loader reads.
 *
 * @module
 */
import type { Architecture, Recipe } from "../models/architecture.ts";
import type { EpochLog } from "../runner/epoch_log.ts";

/** A trained or loaded model. */
export interface WebModel {
  architecture: Architecture;
  recipe: Recipe;
  /** Packed parameters, `planTraining(architecture, …).paramCount` of them. */
  params: Float32Array<ArrayBuffer>;
  /** Packed non-trainable state (batchNorm's moving statistics; empty without one). */
  state: Float32Array<ArrayBuffer>;
  /** Per-epoch history. */
  history: EpochLog[];
  /** Training samples per epoch. */
  trainCount: number;
  /** SHA-256 of the IDX files it was trained on. */
  datasetSha256: Record<string, string>;
  seed?: number;
  /** What trained it, e.g. `webgpu (browser: …)`. */
  backend: string;
  /** Test metrics, once evaluated. */
  test?: { loss: number; accuracy: number; wrong: number; count: number };
}
