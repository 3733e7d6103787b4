/**
 * Every default of a run, in one place: the architecture, the recipe of an architecture without
 * a seed recipe, seeds, folders, progress updates and engine. Tasks and library code read {@linkcode defaultTrainConfig}; a default written anywhere
 * else is a bug. A leaf module (it imports nothing at run time), so any layer may read it.
 *
 * @module
 */
import type { EngineRequest } from "./runner/epoch_runner.ts";
import type { Recipe } from "./models/architecture.ts";

/** The defaults of a training run, as {@linkcode defaultTrainConfig} returns them. */
export interface TrainConfig {
  /** Architecture trained when none is named. */
  arch: string;
  /** Seed of `compare-models`, so its rows are comparable run to run (train's is random). */
  compareSeed: number;
  /** MNIST folder read first (`--data-dir`); never written: a user's own files may be there. */
  dataDir: string;
  /** Our own folder of verified MNIST copies (written only with files that passed SHA-256). */
  mnistCacheDir: string;
  /** Folder that holds one model folder per architecture (`<modelRoot>/<arch>`). */
  modelRoot: string;
  /** Folder that holds the reports (`<reportRoot>/<arch>`, `<reportRoot>/compare`). */
  reportRoot: string;
  /** Progress reports per epoch: each reads the device back once (~12 ms on WebGPU in Deno). */
  progressUpdates: { webgpu: number; other: number };
  /**
   * Kernels of the tfjs path on wasm: this library's training kernels (`fast`) or tfjs' own
   * (`stock`, which cannot train a CNN there). WebGPU's tfjs path always runs tfjs' own.
   */
  kernels: "fast" | "stock";
  /** Engine: `auto` runs the compiled step where it supports the model and backend. */
  engine: EngineRequest;
  /** Where the compiled engine caches its per-adapter self-check verdicts. */
  engineVerdictFile: string;
  /** Where `engine-check --browser` puts its page bundle and Chromium profile. */
  browserCheckDir: string;
}

/**
 * The defaults of every training run and of the tasks that train, evaluate or report.
 *
 * @returns A fresh object; changing it changes nothing else.
 *
 * @example
 * ```ts
 * import { defaultTrainConfig } from "./defaults.ts";
 * import assert from "node:assert/strict";
 *
 * const config = defaultTrainConfig();
 * assert.equal(config.arch, "cnn-deep");
 * assert.equal(config.dataDir, "data/mnist");
 * ```
 */
export function defaultTrainConfig(): TrainConfig {
  return {
    arch: "cnn-deep",
    compareSeed: 42,
    dataDir: "data/mnist",
    mnistCacheDir: "data/cache/mnist",
    modelRoot: "models",
    reportRoot: "reports",
    progressUpdates: { webgpu: 8, other: 20 },
    kernels: "fast",
    engine: "auto",
    engineVerdictFile: "data/engine-verdicts.json",
    browserCheckDir: "data/engine-check",
  };
}

/**
 * The recipe of an architecture without a seed recipe (a user's own): Keras' Adam defaults,
 * batch 32, 5 epochs. `--optimizer`, `--learning-rate`, `--batch-size` and `--epochs` override
 * each part.
 *
 * @returns A fresh object.
 *
 * @example
 * ```ts
 * import { defaultRecipe } from "./defaults.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(defaultRecipe(), { optimizer: "adam", learningRate: 0.001, batchSize: 32, epochs: 5 });
 * ```
 */
export function defaultRecipe(): Recipe {
  return { optimizer: "adam", learningRate: 0.001, batchSize: 32, epochs: 5 };
}

/** The default model folder of an architecture, e.g. `models/cnn-deep`. */
export function defaultModelDir(arch: string): string {
  return `${defaultTrainConfig().modelRoot}/${arch}`;
}

/** The default report folder of an architecture (or `compare`), e.g. `reports/cnn-deep`. */
export function defaultReportDir(name: string): string {
  return `${defaultTrainConfig().reportRoot}/${name}`;
}

/**
 * Our verified MNIST cache for a data folder: `<root>/data/cache/mnist` when the data folder is
 * `<root>/data/mnist` (a notebook's `../data/mnist` keeps its cache in the project, not in
 * `notebooks/`), else the default `data/cache/mnist`.
 *
 * @example
 * ```ts
 * import { defaultMnistCacheDir } from "./defaults.ts";
 * import assert from "node:assert/strict";
 * assert.equal(defaultMnistCacheDir("../data/mnist"), "../data/cache/mnist");
 * assert.equal(defaultMnistCacheDir("/srv/fashion"), "data/cache/mnist");
 * ```
 */
export function defaultMnistCacheDir(dataDir?: string): string {
  const conventional = dataDir?.match(/^(.*\/)?data\/mnist\/?$/);
  return conventional
    ? `${conventional[1] ?? ""}data/cache/mnist`
    : defaultTrainConfig().mnistCacheDir;
}

/** The defaults of the browser app's tasks (`deno task web`, `deno task build-web`). */
export interface WebConfig {
  /** Port `deno task web` listens on (on 127.0.0.1 only). */
  port: number;
  /** Folder `deno task build-web` writes the static site to. */
  distDir: string;
  /** Where the test of the page saves its screenshots. */
  screenshotDir: string;
  /** The architecture the page offers first (the quickest CNN to train in a tab). */
  arch: string;
  /** Epochs the page offers first. */
  epochs: number;
  /** The page's seed (initial weights, shuffles, dropout): the same in every browser. */
  seed: number;
}

/**
 * The defaults of `deno task web` and `deno task build-web`.
 *
 * @returns A fresh object.
 *
 * @example
 * ```ts
 * import { defaultWebConfig } from "./defaults.ts";
 * import assert from "node:assert/strict";
 * assert.equal(defaultWebConfig().port, 8000);
 * ```
 */
export function defaultWebConfig(): WebConfig {
  return {
    port: 8000,
    distDir: "dist/web",
    screenshotDir: "reports/web",
    arch: "cnn-basic",
    epochs: 1,
    seed: 1,
  };
}
