/**
 * The inputs of one training run, settled before its model folder is touched: the checked
 * architecture and recipe, the active backend, and the train / validation / test splits.
 * Kept apart from `trainCnn` so that the entry reads as lock → plan → reuse or train, and a
 * bad architecture or an unavailable backend fails before any folder is locked.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { ensureBackend } from "../backend/select_backend.ts";
import { loadMnist } from "../data/load_mnist.ts";
import { limitSplit, splitValidation } from "../data/tensors.ts";
import type { MnistData, MnistSplit } from "../data/types.ts";
import type { TrainConfig } from "../defaults.ts";
import type { Architecture, Recipe } from "../models/architecture.ts";
import { resolveArchitecture } from "../models/resolve_architecture.ts";
import { resolveRecipe, type TrainOptions } from "./config.ts";
import type { TrainResult } from "./types.ts";

/** What a run trains and evaluates on. */
export interface PreparedRun {
  /** The one checked architecture, whatever form the caller gave it in. */
  architecture: Architecture;
  /** The recipe: the architecture's, overridden by the options. */
  recipe: Recipe;
  /** The tfjs backend made active for the run. */
  backend: string;
  /** The whole dataset (its checksums go into the saved metadata). */
  data: MnistData;
  /** The training samples, limited, and the validation samples held out of them. */
  split: { train: MnistSplit; validation: MnistSplit | undefined };
  /** The test samples of the final evaluation, limited. */
  testSplit: MnistSplit;
  /** The validation fraction asked for. */
  validation: number;
}

/**
 * Resolves the architecture and recipe, starts the backend (telling `onBackend`), and loads
 * and splits the data, in that order (the cheap checks fail before the data loads).
 *
 * @throws {BackendUnavailableError} when the requested backend cannot start.
 */
export async function prepareRun(options: TrainOptions, config: TrainConfig): Promise<PreparedRun> {
  // The edge: a name or a file's contents become one checked architecture, which travels.
  const architecture = resolveArchitecture(options.arch ?? config.arch);
  const recipe = resolveRecipe(options, architecture);
  const choice = await ensureBackend(options.backend, { kernels: options.kernels });
  if (choice) options.onBackend?.(choice);
  const backend = tf.getBackend();
  const data = options.data ?? await loadMnist({
    dataDir: options.dataDir ?? config.dataDir,
    ...(options.onDataEvent ? { onEvent: options.onDataEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const validation = options.validation ?? 0;
  const split = splitValidation(limitSplit(data.train, options.limit), validation);
  const testSplit = limitSplit(data.test, options.testLimit);
  return { architecture, recipe, backend, data, split, testSplit, validation };
}

/** The fields of a {@linkcode TrainResult} that describe the run, whether trained or reused. */
export function runSummary(
  run: PreparedRun,
): Pick<TrainResult, "arch" | "architecture" | "recipe" | "backend" | "trainCount"> {
  const { architecture, recipe, backend } = run;
  return {
    arch: architecture.name,
    architecture,
    recipe,
    backend,
    trainCount: run.split.train.count,
  };
}
