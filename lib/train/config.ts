/**
 * Training options with their defaults: the seed notebook's recipe for the chosen
 * architecture, overridden field by field.
 *
 * @module
 */
import type { Recipe } from "../models/architecture.ts";
import { getArchitecture } from "../models/architectures.ts";
import type { BackendChoice, BackendRequest } from "../backend/select_backend.ts";
import type { MnistData } from "../data/types.ts";
import type { EpochLog, StepProgress } from "./types.ts";

/** Options of `trainCnn`. Every field is optional. */
export interface TrainOptions extends Partial<Recipe> {
  /** Architecture name. @default "cnn-deep" */
  arch?: string;
  /** Use only the first N training samples. @default all 60,000 */
  limit?: number;
  /** Use only the first N test samples for the final evaluation. @default all 10,000 */
  testLimit?: number;
  /** Fraction of the training samples held out for validation (Keras' validation_split). @default 0 */
  validation?: number;
  /** Seed for initialisers, shuffling and dropout; recorded in the metadata. @default random */
  seed?: number;
  /** Backend to select first. @default the active backend, or `auto` when none is active */
  backend?: BackendRequest;
  /** This library's fast kernels or tfjs's stock ones. @default "fast" */
  kernels?: "fast" | "stock";
  /** Already loaded data; when absent `loadMnist({ dataDir })` is called. */
  data?: MnistData;
  /** Dataset cache folder for `loadMnist`. @default "data/mnist" */
  dataDir?: string;
  /** Save the model here, with a checkpoint after every epoch. @default none */
  outDir?: string;
  /** Train even when `outDir` holds a finished model with the same recipe. @default false */
  retrain?: boolean;
  /** Continue from the checkpoint in `outDir`. @default false */
  resume?: boolean;
  /** Stops training after the current step; the last epoch's checkpoint stays. */
  signal?: AbortSignal;
  /** Progress reports per epoch (each one reads the GPU back once). @default 20, 8 on WebGPU */
  progressUpdates?: number;
  /** Called once the backend is chosen. */
  onBackend?: (choice: BackendChoice) => void;
  /** Called a few times per epoch. */
  onProgress?: (progress: StepProgress) => void;
  /** Called after each epoch. */
  onEpoch?: (log: EpochLog) => void;
}

/** The recipe a run will use: the architecture's seed recipe, overridden by options. */
export function resolveRecipe(options: TrainOptions): Recipe {
  const recipe = getArchitecture(options.arch ?? "cnn-deep").recipe;
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
