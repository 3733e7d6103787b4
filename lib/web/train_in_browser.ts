/**
 * Training in a browser on the compiled engines, with Keras-style progress: the same epoch
 * loop (`runCompiledEpoch`), progress and epoch lines (`lib/cli/progress.ts`) and fresh
 * Keras-default state as the Deno tasks, on a WebGPU device of the page's own or on the CPU
 * engine (`_wasm_engine.ts`). The first step's loss is read back on its own (≈ ln 10 =
 * 2.30 from a fresh start), and ms/step is measured over each epoch's steps. The epoch
 * loop itself is `_browser_epochs.ts`.
 *
 * @module
 */
import type { MnistData, MnistSplit } from "../data/types.ts";
import { defaultRecipe } from "../defaults.ts";
import type { Architecture, OptimizerName, Recipe } from "../models/architecture.ts";
import { type ArchitectureInput, resolveArchitecture } from "../models/resolve_architecture.ts";
import { planTraining } from "../engine/plan.ts";
import { kerasOptimizer } from "../engine/check/_check_inputs.ts";
import type { StepProgress } from "../runner/epoch_log.ts";
import { runBrowserEpochs } from "./_browser_epochs.ts";
import { freshState } from "./fresh_state.ts";
import {
  type BrowserGpu,
  checkedGpu,
  openWebGpuEngine,
  type PipelineProgress,
  type TrainingEngine,
} from "./_webgpu_engine.ts";
import { openWasmEngine } from "./_wasm_engine.ts";
import type { VerdictCache } from "../engine/verdict_cache.ts";
import type { WebModel } from "./web_model.ts";

/** Options of {@linkcode trainInBrowser}. */
export interface TrainInBrowserOptions {
  /** A registry name, an `Architecture`, or a Keras / tfjs JSON text or object. */
  arch: ArchitectureInput;
  /** MNIST (e.g. from `loadMnistFromUrls`). */
  data: Pick<MnistData, "train" | "sha256">;
  /** @default the architecture's recipe */
  epochs?: number;
  /** Train on the first `limit` images. @default all */
  limit?: number;
  /** @default the recipe's */
  batchSize?: number;
  optimizer?: OptimizerName;
  learningRate?: number;
  /**
   * The compiled engine: WebGPU, or the CPU engine (threads when the page is cross-origin
   * isolated, else one). @default "webgpu"
   */
  engine?: "webgpu" | "wasm";
  /** Initial weights, shuffles and dropout. @default 1 */
  seed?: number;
  /** Progress reports per epoch. @default 20 */
  progressUpdates?: number;
  /** Keras-style lines: engine, first-step loss, one per epoch. */
  onLog?: (line: string) => void;
  /** Each progress report, with its Keras-style line. */
  onProgress?: (progress: StepProgress & { line: string }) => void;
  /** Pipelines built so far (the first thing a WebGPU run does). */
  onPipelines?: (progress: PipelineProgress) => void;
  /** Stops after the current step; the result then has `aborted: true`. */
  signal?: AbortSignal;
  /** A WebGPU device to use. @default one requested from `navigator.gpu` */
  gpu?: BrowserGpu;
  /**
   * Run the WebGPU engine's self-check on this plan first (one step against the float64
   * reference; its verdict kept in `cache`, e.g. `localStorageVerdictCache()`), and refuse
   * to train on a failed one. @default no check
   */
  selfCheck?: { cache?: VerdictCache; recheck?: boolean };
}

/** What a run returns. */
export interface BrowserTrainResult {
  /** The model (its parameters as the engine held them when the run ended). */
  model: WebModel;
  /** The engine, still open: its `infer` serves evaluation and the canvas. Dispose it. */
  engine: TrainingEngine;
  /** Mean loss of the first step (undefined when aborted before it). */
  firstStepLoss?: number;
  /** Milliseconds per step over the finished epochs (pipelines not included). */
  msPerStep: number;
  /** True when the signal stopped the run. */
  aborted: boolean;
}

function recipeOf(arch: Architecture, o: TrainInBrowserOptions): Recipe {
  const base = arch.recipe ?? defaultRecipe();
  return {
    optimizer: o.optimizer ?? base.optimizer,
    learningRate: o.learningRate ?? base.learningRate,
    batchSize: o.batchSize ?? base.batchSize,
    epochs: o.epochs ?? base.epochs,
  };
}

function limited(split: MnistSplit, limit?: number): MnistSplit {
  const count = Math.min(split.count, limit ?? split.count);
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`limit must be ≥ 1, got ${limit}`);
  }
  return {
    images: split.images.subarray(0, count * 784),
    labels: split.labels.subarray(0, count),
    count,
  };
}

/**
 * Trains an architecture.
 *
 * @param options Architecture, data, recipe overrides, engine and callbacks.
 * @returns The model, the open engine, first-step loss and ms/step.
 * @throws {ArchitectureError} for an architecture that does not parse or validate.
 * @throws {BackendUnavailableError} when the engine cannot start here.
 * @throws {TrainingDivergedError} when the loss stops being finite.
 */
export async function trainInBrowser(options: TrainInBrowserOptions): Promise<BrowserTrainResult> {
  const arch = resolveArchitecture(options.arch);
  const recipe = recipeOf(arch, options);
  const train = limited(options.data.train, options.limit);
  const seed = options.seed ?? 1;
  const spec = kerasOptimizer(recipe.optimizer, recipe.learningRate);
  const batchSize = Math.min(recipe.batchSize, train.count);
  const state = freshState(planTraining(arch, batchSize), spec, seed);
  const log = options.onLog ?? (() => {});
  const input = { arch, batchSize, optimizer: spec, train, state };
  const plan = { arch, batchSize, optimizer: recipe.optimizer };
  const engine = options.engine === "wasm" ? await openWasmEngine(input) : await openWebGpuEngine({
    ...input,
    gpu: await checkedGpu(options.gpu, options.selfCheck, plan, log),
    onPipelines: options.onPipelines,
  });
  log(`Engine: compiled ${engine.name} on ${engine.description}`);
  try {
    return await runEpochs(engine, arch, recipe, train, seed, options);
  } catch (error) {
    engine.dispose();
    throw error;
  }
}

async function runEpochs(
  engine: TrainingEngine,
  arch: Architecture,
  recipe: Recipe,
  train: MnistSplit,
  seed: number,
  options: TrainInBrowserOptions,
): Promise<BrowserTrainResult> {
  const log = options.onLog ?? (() => {});
  const { history, firstStepLoss, seconds, aborted } = await runBrowserEpochs(
    {
      stepper: engine.stepper,
      epochs: recipe.epochs,
      count: train.count,
      batchSize: engine.plan.batchSize,
      seed,
    },
    log,
    options,
  );
  const { params, state } = await engine.readState();
  const model: WebModel = {
    architecture: arch,
    recipe,
    params,
    state,
    history,
    trainCount: train.count,
    datasetSha256: options.data.sha256,
    seed,
    backend: `${engine.name} (browser: ${engine.description})`,
  };
  const steps = Math.ceil(train.count / engine.plan.batchSize);
  const msPerStep = history.length ? (seconds * 1000) / (steps * history.length) : NaN;
  return { model, engine, firstStepLoss, msPerStep, aborted };
}
