/**
 * The first cell of every notebook: the seed recipe, or a quick smoke run when
 * `MNIST_NOTEBOOK_QUICK=1` (a subset for one epoch, so a whole notebook executes in seconds).
 *
 * @module
 */
import type { TrainOptions } from "../train/config.ts";

/** Training samples of a quick run. */
export const QUICK_LIMIT = 2000;
/** Test samples of a quick run. */
export const QUICK_TEST_LIMIT = 1000;

/** What a notebook trains with. */
export interface NotebookSettings {
  /** True for the quick smoke run. */
  quick: boolean;
  /** Options for `trainCnn` (and, minus `arch` and `outDir`, for `compareModels`). */
  train: TrainOptions & { arch: string; outDir: string };
  /** Where the notebook saves its model, per architecture. */
  modelsDir: string;
  /** One line saying what will be trained. */
  description: string;
}

/**
 * The settings of a notebook for `arch`. Both modes hold out 10 % of the training images for
 * validation and use seed 1, so a notebook run twice reuses its saved model, and the compare
 * notebook reuses the four architecture notebooks' models.
 *
 * @param arch Architecture name.
 * @param options `quick` for the smoke run; `root` is the project folder as seen from the
 *   notebook's working directory (Jupyter starts kernels in the notebook's folder).
 * @returns Training options and a description.
 *
 * @example
 * ```ts
 * import { notebookSettings } from "./settings.ts";
 * import assert from "node:assert/strict";
 *
 * const quick = notebookSettings("mlp", { quick: true });
 * assert.equal(quick.train.epochs, 1);
 * assert.equal(quick.train.outDir, "../models/notebooks/quick/mlp");
 * assert.equal(notebookSettings("mlp", { quick: false }).train.epochs, undefined);
 * ```
 */
export function notebookSettings(
  arch: string,
  options: { quick: boolean; root?: string },
): NotebookSettings {
  const root = options.root ?? "..";
  const modelsDir = `${root}/models/notebooks${options.quick ? "/quick" : ""}`;
  const common = {
    arch,
    seed: 1,
    validation: 0.1,
    dataDir: `${root}/data/mnist`,
    outDir: `${modelsDir}/${arch}`,
  };
  if (!options.quick) {
    return { quick: false, train: common, modelsDir, description: "the seed recipe" };
  }
  return {
    quick: true,
    train: { ...common, epochs: 1, limit: QUICK_LIMIT, testLimit: QUICK_TEST_LIMIT },
    modelsDir,
    description: `QUICK: ${QUICK_LIMIT} training images for 1 epoch, ` +
      `${QUICK_TEST_LIMIT} test images (not the seed recipe)`,
  };
}
