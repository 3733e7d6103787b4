/**
 * Saves and loads models in the standard TF.js layers format (`model.json` + `weights.bin`,
 * loadable by `tf.loadLayersModel` in a browser) plus `metadata.json`, and, for
 * checkpoints, the optimizer's state (`optimizer.json` + `optimizer.bin`).
 *
 * Every file is written atomically; `metadata.json` is written last, so a folder with a
 * metadata file always has complete weights beside it.
 *
 * Requires `--allow-read` (load) and `--allow-write` (save) for the folder.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { atomicWrite } from "../fs/atomic_write.ts";
import { ModelFileError } from "../errors.ts";
import { type BackendRequest, ensureBackend } from "../backend/select_backend.ts";
import { METADATA_FILE, type ModelMetadata } from "./metadata.ts";

const MODEL_FILE = "model.json";
const WEIGHTS_FILE = "weights.bin";
const OPTIMIZER_FILE = "optimizer.json";
const OPTIMIZER_WEIGHTS_FILE = "optimizer.bin";

function toBytes(data: tf.io.WeightData): Uint8Array {
  const joined = Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
  return new Uint8Array(joined);
}

/**
 * Saves `model` to `dir` as `model.json` + `weights.bin` + `metadata.json`. With an
 * optimizer, its state is saved too, so training can resume exactly.
 *
 * @example Save a model and load it back
 * ```ts ignore
 * import { buildModel, loadModel, saveModel, trainCnn } from "jsr:@x/mnist-cnn";
 *
 * const { model } = await trainCnn({ arch: "mlp", epochs: 1 });
 * const metadata = JSON.parse(await Deno.readTextFile("models/mlp/metadata.json"));
 * await saveModel(model, "my-models/mlp", metadata);
 * const { model: again } = await loadModel("my-models/mlp");
 * ```
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  metadata: ModelMetadata,
  optimizer?: tf.Optimizer,
): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    await atomicWrite(join(dir, WEIGHTS_FILE), toBytes(artifacts.weightData ?? new ArrayBuffer(0)));
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? "layers-model",
      generatedBy: artifacts.generatedBy,
      convertedBy: null,
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
    };
    await atomicWrite(join(dir, MODEL_FILE), JSON.stringify(modelJson));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  if (optimizer) {
    const named = await optimizer.getWeights();
    const encoded = await tf.io.encodeWeights(named);
    await atomicWrite(join(dir, OPTIMIZER_WEIGHTS_FILE), toBytes(encoded.data));
    await atomicWrite(
      join(dir, OPTIMIZER_FILE),
      JSON.stringify({ className: optimizer.getClassName(), weights: encoded.specs }),
    );
  } else {
    await Deno.remove(join(dir, OPTIMIZER_FILE)).catch(() => {});
    await Deno.remove(join(dir, OPTIMIZER_WEIGHTS_FILE)).catch(() => {});
  }
  await atomicWrite(join(dir, METADATA_FILE), JSON.stringify(metadata, null, 2) + "\n");
}

async function readFile(dir: string, name: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(join(dir, name));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ModelFileError(`No saved model in ${dir}: ${name} is missing`, { cause: error });
    }
    throw error;
  }
}

function parseJson<T>(bytes: Uint8Array, path: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (error) {
    throw new ModelFileError(`${path} is not valid JSON`, { cause: error });
  }
}

/** Reads only `metadata.json` of a saved model, or `undefined` when there is none. */
export async function readMetadata(dir: string): Promise<ModelMetadata | undefined> {
  try {
    const bytes = await Deno.readFile(join(dir, METADATA_FILE));
    return parseJson<ModelMetadata>(bytes, join(dir, METADATA_FILE));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Options for {@linkcode loadModel}. */
export interface LoadModelOptions {
  /**
   * Backend to make active before the weights are created (throws
   * `BackendUnavailableError` when it cannot start).
   * @default the active backend, or `auto` when none is active
   */
  backend?: BackendRequest;
}

/** A model loaded by {@linkcode loadModel}. */
export interface LoadedModel {
  /** The tfjs layers model. */
  model: tf.LayersModel;
  /** Its metadata. */
  metadata: ModelMetadata;
}

/**
 * Loads a model saved by {@linkcode saveModel}.
 *
 * @throws {ModelFileError} when a file is missing or not a model this library wrote.
 *
 * @example
 * ```ts ignore
 * import { loadModel } from "jsr:@x/mnist-cnn";
 *
 * const { model, metadata } = await loadModel("models/cnn-deep");
 * console.log(metadata.arch, metadata.test?.accuracy, model.countParams());
 * ```
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  await ensureBackend(options.backend);
  const metadata = await readMetadata(dir);
  if (!metadata) throw new ModelFileError(`No saved model in ${dir}: ${METADATA_FILE} is missing`);
  const modelJson = parseJson<{
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  }>(await readFile(dir, MODEL_FILE), join(dir, MODEL_FILE));
  const weightData = (await readFile(dir, WEIGHTS_FILE)).slice().buffer;
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData,
    }));
    return { model, metadata };
  } catch (error) {
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ModelFileError(`${join(dir, MODEL_FILE)} could not be loaded: ${why}`, {
      cause: error,
    });
  }
}

/** Restores optimizer state saved with a checkpoint; returns false when there is none. */
export async function loadOptimizerState(dir: string, optimizer: tf.Optimizer): Promise<boolean> {
  let specBytes: Uint8Array;
  try {
    specBytes = await Deno.readFile(join(dir, OPTIMIZER_FILE));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  const spec = parseJson<{ className: string; weights: tf.io.WeightsManifestEntry[] }>(
    specBytes,
    join(dir, OPTIMIZER_FILE),
  );
  if (spec.className !== optimizer.getClassName()) return false;
  const data = (await readFile(dir, OPTIMIZER_WEIGHTS_FILE)).slice().buffer;
  const tensors = tf.io.decodeWeights(data, spec.weights);
  // tfjs optimizers match their slots to variables by position, so names need not match.
  await optimizer.setWeights(spec.weights.map((w) => ({ name: w.name, tensor: tensors[w.name]! })));
  return true;
}
