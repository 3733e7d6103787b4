/**
 * `trainCnn`: the public entry of a training run. It prepares the run (`prepareRun`: backend,
 * architecture, data), decides with `planRun` whether to reuse, resume or train afresh, and
 * either evaluates the saved model or trains one (`trainAndSave`), holding the model folder's
 * lock throughout.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { ModelFileError } from "../errors.ts";
import { evaluateModel } from "../evaluate/evaluate_model.ts";
import type { ModelMetadata } from "../models/metadata.ts";
import { loadModel, readMetadata } from "../models/save_model.ts";
import { lockModelDir } from "../models/model_lock.ts";
import type { TrainOptions } from "./config.ts";
import { defaultTrainConfig } from "../defaults.ts";
import { planRun, type RunPlan } from "./plan_run.ts";
import { type PreparedRun, prepareRun, runSummary } from "./prepare_run.ts";
import { trainAndSave } from "./train_and_save.ts";
import type { TrainResult } from "./types.ts";

export type { TrainOptions } from "./config.ts";

/** The folder's metadata; with `retrain`, a corrupt folder counts as empty (it is replaced). */
async function previousRun(outDir: string, retrain: boolean): Promise<ModelMetadata | undefined> {
  try {
    return await readMetadata(outDir);
  } catch (error) {
    if (retrain && error instanceof ModelFileError) return undefined;
    throw error;
  }
}

/**
 * Trains an architecture (a registry name, an `Architecture` value or a Keras / tfjs model
 * JSON) on MNIST and evaluates it on the test split.
 *
 * Requires `--allow-read` for the data folder and `node_modules`, and `--allow-write` for
 * `outDir` and the data cache.
 *
 * @param options What to train and how; every field has a default.
 * @returns The model, its history and its test evaluation.
 * @throws {BackendUnavailableError} when the requested backend cannot start.
 * @throws {UsageError} for `resume` without a matching checkpoint.
 * @throws {TrainingDivergedError} when the loss becomes NaN or infinite.
 * @throws {TrainingInterruptedError} when `signal` stopped the run.
 *
 * @example Train the seed CNN with its recipe and save it
 * ```ts ignore
 * import { trainCnn } from "jsr:@x/mnist-cnn";
 *
 * const result = await trainCnn({ arch: "cnn-deep", seed: 1, outDir: "models/cnn-deep" });
 * console.log(result.history.at(-1)?.acc, result.test.accuracy, result.test.wrong);
 * ```
 *
 * @example A quick run on a few samples, on a backend chosen by name
 * ```ts
 * import { trainCnn } from "./train_cnn.ts";
 * import assert from "node:assert/strict";
 *
 * const options = { arch: "mlp", backend: "cpu" as const, epochs: 1, limit: 256, testLimit: 100 };
 * const result = await trainCnn({ ...options, seed: 1 });
 * assert.equal(result.backend, "cpu");
 * assert.equal(result.history.length, 1);
 * ```
 */
export async function trainCnn(options: TrainOptions = {}): Promise<TrainResult> {
  const config = defaultTrainConfig();
  const run = await prepareRun(options, config);
  const { outDir } = options;
  // One writer per model folder: a second run into it fails at once with a clear message.
  const lock = outDir
    ? await lockModelDir(outDir, options.onNote ? { onNote: options.onNote } : {})
    : undefined;
  try {
    const previous = outDir ? await previousRun(outDir, options.retrain === true) : undefined;
    const plan = planRun(previous, {
      architecture: run.architecture,
      recipe: run.recipe,
      trainCount: run.split.train.count,
      validation: run.validation,
      seed: options.seed,
      retrain: options.retrain,
      resume: options.resume,
      outDir,
    });
    if (plan.kind === "reuse") return await reuseSaved(outDir!, plan, run);
    const seed = options.seed ?? previous?.seed ?? Math.floor(Math.random() * 2 ** 31);
    return await trainAndSave(options, config, run, plan, seed);
  } finally {
    await lock?.release();
  }
}

/** A finished run with the same recipe is not trained again: its saved model is evaluated. */
async function reuseSaved(
  outDir: string,
  plan: Extract<RunPlan, { kind: "reuse" }>,
  run: PreparedRun,
): Promise<TrainResult> {
  const { model } = await loadModel(outDir);
  const test = await evaluateModel(model, run.testSplit);
  const history = plan.previous.history;
  return { ...runSummary(run), model: model as tf.Sequential, history, test, reused: true };
}
