/**
 * The training branch of `trainCnn`: builds (or reloads, to resume) the model, trains it with
 * a checkpoint after every epoch, evaluates it on the test split and saves the finished model.
 * Owns the optimizer's lifetime, so its tensors are freed however training ends.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { TrainConfig } from "../defaults.ts";
import { TrainingInterruptedError } from "../errors.ts";
import { evaluateModel } from "../evaluate/evaluate_model.ts";
import { buildModel } from "../models/build_model.ts";
import { loadModel, loadOptimizerState } from "../models/save_model.ts";
import { type Checkpointer, checkpointer, type RunDescription } from "./checkpoint.ts";
import type { TrainOptions } from "./config.ts";
import { createEpochRunner } from "./create_runner.ts";
import { createOptimizer } from "./optimizer.ts";
import type { RunPlan } from "./plan_run.ts";
import { type PreparedRun, runSummary } from "./prepare_run.ts";
import { trainModel, type TrainModelOptions } from "./train_model.ts";
import type { TrainResult } from "./types.ts";

/** A plan that trains: from scratch, or on from a checkpoint. */
export type TrainingPlan = Exclude<RunPlan, { kind: "reuse" }>;

/**
 * Trains `run` as `plan` says, saving into `options.outDir` when given.
 *
 * @throws {TrainingInterruptedError} when `signal` stopped the run (the last checkpoint stays).
 * @throws {TrainingDivergedError} when the loss becomes NaN or infinite.
 */
export async function trainAndSave(
  options: TrainOptions,
  config: TrainConfig,
  run: PreparedRun,
  plan: TrainingPlan,
  seed: number,
): Promise<TrainResult> {
  const { outDir } = options;
  const model = plan.kind === "resume"
    ? (await loadModel(outDir!)).model as tf.Sequential
    : buildModel(run.architecture, { seed });
  const optimizer = createOptimizer(run.recipe.optimizer, run.recipe.learningRate);
  try {
    if (plan.kind === "resume") await loadOptimizerState(outDir!, optimizer, model);
    const saver = outDir
      ? checkpointer(outDir, model, optimizer, description(run, seed))
      : undefined;
    const history = plan.kind === "resume" ? plan.previous.history : [];
    const trained = await trainModel(model, run.split, run.recipe, {
      ...stepOptions(options, config, run, saver),
      optimizer,
      seed,
      history,
    });
    if (trained.interruptedIn !== undefined) {
      throw interrupted(outDir, trained.history.length, trained.interruptedIn);
    }
    const test = await evaluateModel(model, run.testSplit);
    const { loss, accuracy, wrong, count } = test;
    await saver?.finish(trained.history, { loss, accuracy, wrong, count });
    const { history: done, engine } = trained;
    return { ...runSummary(run), model, history: done, test, engine, reused: false };
  } finally {
    optimizer.dispose();
  }
}

/** What every save of the run records, in the order the metadata file lists it. */
function description(run: PreparedRun, seed: number): RunDescription {
  const { arch, architecture, recipe, trainCount, backend } = runSummary(run);
  const { validation } = run;
  return {
    arch,
    architecture,
    recipe,
    seed,
    trainCount,
    validation,
    backend,
    datasetSha256: run.data.sha256,
  };
}

/** How `trainModel` steps, reports and checkpoints: everything but the model's own state. */
function stepOptions(
  options: TrainOptions,
  config: TrainConfig,
  run: PreparedRun,
  saver: Checkpointer | undefined,
): Omit<TrainModelOptions, "optimizer" | "seed" | "history"> {
  const { backend } = run;
  return {
    arch: run.architecture,
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
  };
}

/** The one-line message of a stopped run: where its work is, and how to continue it. */
function interrupted(
  outDir: string | undefined,
  epochsSaved: number,
  epoch: number,
): TrainingInterruptedError {
  const where = outDir
    ? `the checkpoint in ${outDir} holds epoch ${epochsSaved}; continue with --resume`
    : "nothing was saved (no --out)";
  return new TrainingInterruptedError(`Interrupted during epoch ${epoch}: ${where}`);
}
