/**
 * `trainCnn`: the public entry of a training run. It makes the backend active, loads the
 * data, decides with `planRun` whether to reuse, resume or train afresh, runs `trainModel`
 * with a checkpoint after every epoch, evaluates on the test split and saves the result.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { ensureBackend } from "../backend/select_backend.ts";
import { loadMnist } from "../data/load_mnist.ts";
import { limitSplit, splitValidation } from "../data/tensors.ts";
import { ModelFileError, TrainingInterruptedError } from "../errors.ts";
import { evaluateModel } from "../evaluate/evaluate_model.ts";
import { buildModel } from "../models/build_model.ts";
import { resolveArchitecture } from "../models/resolve_architecture.ts";
import type { ModelMetadata } from "../models/metadata.ts";
import { loadModel, loadOptimizerState, readMetadata } from "../models/save_model.ts";
import { lockModelDir } from "../models/model_lock.ts";
import { checkpointer } from "./checkpoint.ts";
import { resolveRecipe, type TrainOptions } from "./config.ts";
import { defaultTrainConfig } from "../defaults.ts";
import { createOptimizer } from "./optimizer.ts";
import { planRun } from "./plan_run.ts";
import { trainModel } from "./train_model.ts";
import { createEpochRunner } from "./create_runner.ts";
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
  // The edge: a name or a file's contents become one checked architecture, which travels.
  const architecture = resolveArchitecture(options.arch ?? config.arch);
  const arch = architecture.name;
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
  const { outDir } = options;
  // One writer per model folder: a second run into it fails at once with a clear message.
  const lock = outDir
    ? await lockModelDir(outDir, options.onNote ? { onNote: options.onNote } : {})
    : undefined;
  try {
    const previous = outDir ? await previousRun(outDir, options.retrain === true) : undefined;
    const plan = planRun(previous, {
      architecture,
      recipe,
      trainCount: split.train.count,
      validation,
      seed: options.seed,
      retrain: options.retrain,
      resume: options.resume,
      outDir,
    });
    const result = { arch, architecture, recipe, backend, trainCount: split.train.count };
    if (plan.kind === "reuse") {
      const { model } = await loadModel(outDir!);
      const test = await evaluateModel(model, testSplit);
      return {
        ...result,
        model: model as tf.Sequential,
        history: plan.previous.history,
        test,
        reused: true,
      };
    }
    const seed = options.seed ?? previous?.seed ?? Math.floor(Math.random() * 2 ** 31);
    const model = plan.kind === "resume"
      ? (await loadModel(outDir!)).model as tf.Sequential
      : buildModel(architecture, { seed });
    const optimizer = createOptimizer(recipe.optimizer, recipe.learningRate);
    try {
      if (plan.kind === "resume") await loadOptimizerState(outDir!, optimizer, model);
      const run = {
        arch,
        architecture,
        recipe,
        seed,
        trainCount: split.train.count,
        validation,
        backend,
      };
      const saver = outDir
        ? checkpointer(outDir, model, optimizer, { ...run, datasetSha256: data.sha256 })
        : undefined;
      const { history, engine, interruptedIn } = await trainModel(model, split, recipe, {
        arch: architecture,
        optimizer,
        seed,
        history: plan.kind === "resume" ? plan.previous.history : [],
        signal: options.signal,
        createRunner: (input) =>
          createEpochRunner(input, options.engine ?? config.engine, {
            backend,
            verdictFile: options.verdictFile ?? config.engineVerdictFile,
            onNote: options.onNote,
          }),
        progressUpdates: options.progressUpdates ??
          (backend === "webgpu" ? config.progressUpdates.webgpu : config.progressUpdates.other),
        onProgress: options.onProgress,
        onEpoch: async (log, soFar) => {
          options.onEpoch?.(log);
          await saver?.afterEpoch(soFar);
        },
      });
      if (interruptedIn !== undefined) {
        const where = outDir
          ? `the checkpoint in ${outDir} holds epoch ${history.length}; continue with --resume`
          : "nothing was saved (no --out)";
        throw new TrainingInterruptedError(`Interrupted during epoch ${interruptedIn}: ${where}`);
      }
      const test = await evaluateModel(model, testSplit);
      const { loss, accuracy, wrong, count } = test;
      await saver?.finish(history, { loss, accuracy, wrong, count });
      return { ...result, model, history, test, engine, reused: false };
    } finally {
      optimizer.dispose();
    }
  } finally {
    await lock?.release();
  }
}
