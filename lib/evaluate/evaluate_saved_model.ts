/**
 * `evaluateSavedModel`: the select backend → load model → load MNIST → evaluate sequence
 * that `evaluate`, `report`, `confusion` and `misclassified` share, as one call.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendRequest, ensureBackend } from "../backend/select_backend.ts";
import { loadMnist } from "../data/load_mnist.ts";
import type { MnistData } from "../data/types.ts";
import type { DataEvent } from "../data/fetch_mnist.ts";
import type { ModelMetadata } from "../models/metadata.ts";
import { loadModel } from "../models/save_model.ts";
import { defaultTrainConfig } from "../defaults.ts";
import { evaluateModel } from "./evaluate_model.ts";
import type { Evaluation } from "./types.ts";

/** Options for {@linkcode evaluateSavedModel}. */
export interface EvaluateSavedModelOptions {
  /** The saved model's folder (model.json, weights.bin, metadata.json). */
  modelDir: string;
  /** MNIST cache folder. @default "data/mnist" */
  dataDir?: string;
  /** Already loaded data; when absent `loadMnist({ dataDir })` is called. */
  data?: MnistData;
  /** Backend to make active first. @default the active backend, or `auto` when none is */
  backend?: BackendRequest;
  /** Called with each data event when the data is loaded here (rejected files…). */
  onDataEvent?: (event: DataEvent) => void;
  /** Stops loading the data when aborted. */
  signal?: AbortSignal;
}

/** A saved model, its metadata, the data it was evaluated on and the evaluation. */
export interface SavedModelEvaluation {
  /** The loaded model. */
  model: tf.LayersModel;
  /** Its `metadata.json`. */
  metadata: ModelMetadata;
  /** The test split's evaluation, with every per-sample prediction. */
  evaluation: Evaluation;
  /** The MNIST data (the views draw test digits from it). */
  data: MnistData;
  /** The backend that evaluated it. */
  backend: string;
}

/**
 * Loads a saved model and evaluates it on the 10,000 MNIST test images.
 *
 * Requires `--allow-read` for the model folder, the data folder and `node_modules`.
 *
 * @param options The model folder, data and backend.
 * @returns The model, metadata, data and evaluation.
 * @throws {ModelFileError} when the folder holds no readable model.
 * @throws {DatasetError} when MNIST cannot be loaded.
 * @throws {BackendUnavailableError} when the requested backend cannot start.
 *
 * @example
 * ```ts ignore
 * import { evaluateSavedModel } from "jsr:@x/mnist-cnn";
 *
 * const { metadata, evaluation } = await evaluateSavedModel({ modelDir: "models/cnn-deep" });
 * console.log(metadata.arch, evaluation.accuracy, evaluation.wrong);
 * ```
 */
export async function evaluateSavedModel(
  options: EvaluateSavedModelOptions,
): Promise<SavedModelEvaluation> {
  await ensureBackend(options.backend);
  const { model, metadata } = await loadModel(options.modelDir);
  const data = options.data ?? await loadMnist({
    dataDir: options.dataDir ?? defaultTrainConfig().dataDir,
    ...(options.onDataEvent ? { onEvent: options.onDataEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const evaluation = await evaluateModel(model, data.test);
  return { model, metadata, evaluation, data, backend: tf.getBackend() };
}
