/**
 * The options of `trainCnn` and the recipe they resolve to (defaults: `lib/defaults.ts`).
 *
 * @module
 */
import type { Architecture, Recipe } from "../models/architecture.ts";
import type { ArchitectureInput } from "../models/resolve_architecture.ts";
import { defaultRecipe } from "../defaults.ts";
import type { BackendChoice, BackendRequest } from "../backend/select_backend.ts";
import type { MnistData } from "../data/types.ts";
import type { DataEvent } from "../data/fetch_mnist.ts";
import type { EngineRequest } from "../runner/epoch_runner.ts";
import type { EpochLog, StepProgress } from "../runner/epoch_log.ts";

/** Options of `trainCnn`. Every field is optional; defaults come from `defaultTrainConfig()`. */
export interface TrainOptions extends Partial<Recipe> {
  /**
   * The architecture: a registry name, an `Architecture` value, or a Keras / tfjs model JSON
   * (text or parsed; see `parseArchitecture`). @default "cnn-deep"
   */
  arch?: ArchitectureInput;
  /** Use only the first N training samples. @default all 60,000 */
  limit?: number;
  /** Use only the first N test samples for the final evaluation. @default all 10,000 */
  testLimit?: number;
  /** Fraction of the training samples held out for validation (Keras' validation_split). @default 0 */
  validation?: number;
  /** Seed for initialisers, shuffling and dropout; recorded in the metadata. @default random */
  seed?: number;
  /**
   * Backend to make active for the run; throws `BackendUnavailableError` when it cannot start.
   * @default the active backend, or `auto` when none is active
   */
  backend?: BackendRequest;
  /** This library's wasm training kernels or tfjs's stock ones. @default defaultTrainConfig().kernels */
  kernels?: "fast" | "stock";
  /** Compiled training step (`lib/engine/`) or tfjs's kernels one op at a time. @default "auto" */
  engine?: EngineRequest;
  /**
   * Where the compiled engine caches its per-adapter WebGPU self-check verdicts (read, and
   * rewritten after a check); moves it out of the working directory, e.g. for a read-only one.
   * @default defaultTrainConfig().engineVerdictFile
   */
  verdictFile?: string;
  /** Already loaded data; when absent `loadMnist({ dataDir })` is called. */
  data?: MnistData;
  /** Dataset cache folder for `loadMnist`. @default "data/mnist" */
  dataDir?: string;
  /** Called with each data event when `trainCnn` loads the data itself (rejected files…). */
  onDataEvent?: (event: DataEvent) => void;
  /** Save the model here, with a checkpoint after every epoch. @default none */
  outDir?: string;
  /** Train even when `outDir` holds a finished model with the same recipe. @default false */
  retrain?: boolean;
  /** Continue from the checkpoint in `outDir`. @default false */
  resume?: boolean;
  /** Stops training after the current step; the last epoch's checkpoint stays. */
  signal?: AbortSignal;
  /** Progress reports per epoch (each reads the GPU back once). @default 20, 8 on WebGPU */
  progressUpdates?: number;
  /** Called once the backend is chosen (only when `trainCnn` selected one). */
  onBackend?: (choice: BackendChoice) => void;
  /** Called with one line when the engine is chosen (e.g. why the compiled one was not). */
  onNote?: (line: string) => void;
  /** Called a few times per epoch. */
  onProgress?: (progress: StepProgress) => void;
  /** Called after each epoch. */
  onEpoch?: (log: EpochLog) => void;
}

/**
 * The recipe a run will use: the architecture's seed recipe (or `defaultRecipe()` for one
 * without), overridden by options.
 *
 * @throws {RangeError} for a non-positive recipe value.
 */
export function resolveRecipe(options: Partial<Recipe>, architecture: Architecture): Recipe {
  const recipe = architecture.recipe ?? defaultRecipe();
  const resolved: Recipe = {
    optimizer: options.optimizer ?? recipe.optimizer,
    learningRate: options.learningRate ?? recipe.learningRate,
    batchSize: options.batchSize ?? recipe.batchSize,
    epochs: options.epochs ?? recipe.epochs,
  };
  for (const key of ["learningRate", "batchSize", "epochs"] as const) {
    if (!(resolved[key] > 0) || (key !== "learningRate" && !Number.isInteger(resolved[key]))) {
      throw new RangeError(`${key} must be a positive number, got ${resolved[key]}`);
    }
  }
  return resolved;
}

/** True when two recipes train the same way. */
export function sameRecipe(a: Recipe, b: Recipe): boolean {
  return a.optimizer === b.optimizer && a.learningRate === b.learningRate &&
    a.batchSize === b.batchSize && a.epochs === b.epochs;
}
