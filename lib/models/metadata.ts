/**
 * The small metadata file saved beside a model (`metadata.json`): what was trained, how, on
 * which data, and how well. The model itself stays in the standard tfjs layers format.
 *
 * @module
 */
import type { Architecture, Recipe } from "./architecture.ts";
import { getArchitecture } from "./architectures.ts";
import type { EpochLog } from "../runner/epoch_log.ts";

/** File name of the metadata beside `model.json`. */
export const METADATA_FILE = "metadata.json";

/** Contents of `metadata.json`. */
export interface ModelMetadata {
  /** Format version of this file. */
  format: 1;
  /** Architecture name: a registry name, or a user architecture's (its default folder). */
  arch: string;
  /**
   * The architecture itself, so a user's own model loads, evaluates and resumes without its
   * file. Absent in saves older than this field, whose `arch` is always a registry name.
   */
  architecture?: Architecture;
  /** The recipe the model was trained with. */
  recipe: Recipe;
  /** Seed of the run, if any. */
  seed?: number;
  /** Training samples per epoch (60,000 unless limited). */
  trainCount: number;
  /** Validation fraction held out of the training split (0 when none). */
  validation: number;
  /** SHA-256 of the IDX files the model was trained on. */
  datasetSha256: Record<string, string>;
  /** Completed epochs; a checkpoint has fewer than `recipe.epochs`. */
  epochsCompleted: number;
  /** Per-epoch history. */
  history: EpochLog[];
  /** Final test metrics (absent in a mid-training checkpoint). */
  test?: { loss: number; accuracy: number; wrong: number; count: number };
  /** Backend that trained it. */
  backend: string;
  /** ISO date of the save. */
  date: string;
  /**
   * Size and SHA-256 of every other file of the save, filled in by `saveModel`, so a reader
   * can tell parts of two different saves apart. Absent in files older than this field.
   */
  files?: Record<string, { bytes: number; sha256: string }>;
}

/**
 * The architecture a saved model was trained as: the one its metadata records, or, for
 * saves older than that field, the registry architecture it names.
 *
 * @param metadata Checked metadata (`readMetadata` / `loadModel`).
 * @returns The architecture.
 */
export function metadataArchitecture(metadata: ModelMetadata): Architecture {
  return metadata.architecture ?? getArchitecture(metadata.arch);
}
