/**
 * `trainCnn`: trains one architecture with its seed recipe (or overrides), evaluates it on
 * the test split, and optionally saves it with a checkpoint after every epoch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { activeBackend, selectBackend } from "../backend/select_backend.ts";
import { loadMnist } from "../data/load_mnist.ts";
import { limitSplit, splitValidation } from "../data/tensors.ts";
import { TrainingInterruptedError, UsageError } from "../errors.ts";
import { evaluateModel } from "../evaluate/evaluate_model.ts";
import { buildModel } from "../models/build_model.ts";
import type { ModelMetadata } from "../models/metadata.ts";
import { loadModel, loadOptimizerState, readMetadata, saveModel } from "../models/save_model.ts";
import { resolveRecipe, sameRecipe, type TrainOptions } from "./config.ts";
import { createTfjsRunner } from "./tfjs_runner.ts";
import { createOptimizer } from "./optimizer.ts";
import { mulberry32 } from "../random.ts";
import type { EpochLog, TrainResult } from "./types.ts";

export type { TrainOptions } from "./config.ts";

function epochRandom(seed: number, epoch: number): () => number {
  // One stream per epoch, so a resumed run shuffles exactly as an uninterrupted one.
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 31) + epoch * 0x85ebca6b);
}

/**
 * Trains an architecture on MNIST and evaluates it on the test split.
 *
 * @throws {UsageError} for `resume` without a matching checkpoint.
 * @throws {TrainingDivergedError} when the loss becomes NaN or infinite.
 *
 * @example Train the seed CNN with its recipe and save it
 * ```ts ignore
 * import { trainCnn } from "jsr:@x/mnist-cnn";
 *
 * const result = await trainCnn({ arch: "cnn-deep", backend: "auto", seed: 1, outDir: "models/cnn-deep" });
 * console.log(result.history.at(-1)?.acc, result.test.accuracy, result.test.wrong);
 * ```
 *
 * @example A quick run on a tenth of the data
 * ```ts ignore
 * const quick = await trainCnn({ arch: "cnn-basic", epochs: 1, limit: 6000, onEpoch: console.log });
 * ```
 */
export async function trainCnn(options: TrainOptions = {}): Promise<TrainResult> {
  const arch = options.arch ?? "cnn-deep";
  const recipe = resolveRecipe(options);
  if (options.backend || !activeBackend()) {
    options.onBackend?.(await selectBackend(options.backend ?? "auto", options));
  }
  const backend = tf.getBackend();
  const data = options.data ?? await loadMnist({ dataDir: options.dataDir ?? "data/mnist" });
  const validation = options.validation ?? 0;
  const { train, validation: valSplit } = splitValidation(
    limitSplit(data.train, options.limit),
    validation,
  );
  const testSplit = limitSplit(data.test, options.testLimit);
  const previous = options.outDir ? await readMetadata(options.outDir) : undefined;
  const matches = previous !== undefined && previous.arch === arch &&
    sameRecipe(previous.recipe, recipe) && previous.trainCount === train.count &&
    previous.validation === validation &&
    (options.seed === undefined || previous.seed === options.seed);

  if (matches && !options.retrain && !options.resume && previous.epochsCompleted >= recipe.epochs) {
    const { model } = await loadModel(options.outDir!);
    const test = await evaluateModel(model, testSplit);
    return {
      model: model as tf.Sequential,
      arch,
      recipe,
      history: previous.history,
      test,
      backend,
      trainCount: train.count,
      reused: true,
    };
  }
  if (options.resume && !(matches && previous.epochsCompleted < recipe.epochs)) {
    throw new UsageError(
      `Nothing to resume in ${options.outDir ?? "(no --out)"}: no unfinished checkpoint ` +
        `of ${arch} with this recipe`,
    );
  }
  const seed = options.seed ?? previous?.seed ?? Math.floor(Math.random() * 2 ** 31);
  const resuming = options.resume === true;
  const model = resuming
    ? (await loadModel(options.outDir!)).model as tf.Sequential
    : buildModel(arch, { seed });
  const optimizer = createOptimizer(recipe.optimizer, recipe.learningRate, {
    fused: (options.kernels ?? "fast") === "fast",
  });
  if (resuming) await loadOptimizerState(options.outDir!, optimizer);
  const history: EpochLog[] = resuming ? [...previous!.history] : [];
  const runner = createTfjsRunner({ arch, model, optimizer, train, batchSize: recipe.batchSize });
  const metadata = (epochs: number, test?: ModelMetadata["test"]): ModelMetadata => ({
    format: 1,
    arch,
    recipe,
    seed,
    trainCount: train.count,
    validation,
    datasetSha256: data.sha256,
    epochsCompleted: epochs,
    history,
    ...(test ? { test } : {}),
    backend,
    date: new Date().toISOString(),
  });
  try {
    for (let epoch = history.length + 1; epoch <= recipe.epochs; epoch++) {
      const result = await runner.runEpoch({
        epoch,
        epochs: recipe.epochs,
        random: epochRandom(seed, epoch),
        signal: options.signal,
        progressUpdates: options.progressUpdates ?? (backend === "webgpu" ? 8 : 20),
        onProgress: options.onProgress,
      });
      if (result.aborted) {
        const where = options.outDir
          ? `the checkpoint in ${options.outDir} holds epoch ${history.length}; continue with --resume`
          : "nothing was saved (no --out)";
        throw new TrainingInterruptedError(`Interrupted during epoch ${epoch}: ${where}`);
      }
      await runner.sync();
      const log: EpochLog = {
        epoch,
        loss: result.loss,
        acc: result.acc,
        seconds: result.seconds,
        imagesPerSecond: train.count / result.seconds,
      };
      if (valSplit) {
        const val = await evaluateModel(model, valSplit);
        Object.assign(log, { valLoss: val.loss, valAcc: val.accuracy });
      }
      history.push(log);
      options.onEpoch?.(log);
      if (options.outDir) await saveModel(model, options.outDir, metadata(epoch), optimizer);
    }
    const test = await evaluateModel(model, testSplit);
    if (options.outDir && history.length === recipe.epochs) {
      const { loss, accuracy, wrong, count } = test;
      await saveModel(
        model,
        options.outDir,
        metadata(history.length, { loss, accuracy, wrong, count }),
      );
    }
    return { model, arch, recipe, history, test, backend, trainCount: train.count, reused: false };
  } finally {
    runner.dispose();
    optimizer.dispose();
  }
}
