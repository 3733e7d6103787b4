/**
 * Saves and loads models in the standard TF.js layers format (`model.json` + `weights.bin`,
 * loadable by `tf.loadLayersModel` in a browser) plus `metadata.json`, and, for
 * checkpoints, the optimizer's state (`optimizer.json` + `optimizer.bin`).
 *
 * A save replaces the folder's files as a whole (a fresh folder swapped in by rename) under
 * the folder's writer lock, and `metadata.json` records the size and SHA-256 of every other
 * part, so a reader never mixes parts of two saves: it retries, then refuses. Everything read
 * is checked before use: the metadata against its schema, `model.json` against the
 * architecture it names, sizes against caps, weights for NaN.
 *
 * Requires `--allow-read` (load) and `--allow-write` (save) for the folder and its parent.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { ModelFileError } from "../errors.ts";
import { type BackendRequest, ensureBackend } from "../backend/select_backend.ts";
import { type FileWriter, replaceDir } from "../fs/replace_dir.ts";
import { sha256Hex } from "../data/checksums.ts";
import { METADATA_FILE, metadataArchitecture, type ModelMetadata } from "./metadata.ts";
import { assertLockHeld, holdsModelDirLock, lockModelDir } from "./model_lock.ts";
import { checkModelJson } from "./_model_json.ts";
import {
  checkParts,
  MODEL_PARTS,
  readJsonPart,
  readPart,
  withConsistentReads,
} from "./_model_parts.ts";

export { readMetadata } from "./_model_parts.ts";
export { loadOptimizerState } from "./optimizer_state.ts";

const [MODEL_FILE, WEIGHTS_FILE, OPTIMIZER_FILE, OPTIMIZER_WEIGHTS_FILE] = MODEL_PARTS;

/** Options of {@linkcode saveModel}. */
export interface SaveModelOptions {
  /** Writes each file. Tests inject a failing one to simulate a full disk.
   * @default {Deno.writeFile} */
  writeFile?: FileWriter;
}

function toBytes(data: tf.io.WeightData): Uint8Array {
  const joined = Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
  return new Uint8Array(joined);
}

async function modelFiles(model: tf.LayersModel): Promise<Record<string, Uint8Array>> {
  let files: Record<string, Uint8Array> = {};
  await model.save(tf.io.withSaveHandler((artifacts) => {
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? "layers-model",
      generatedBy: artifacts.generatedBy,
      convertedBy: null,
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
    };
    files = {
      [MODEL_FILE]: new TextEncoder().encode(JSON.stringify(modelJson)),
      [WEIGHTS_FILE]: toBytes(artifacts.weightData ?? new ArrayBuffer(0)),
    };
    return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) });
  }));
  return files;
}

/**
 * Saves `model` to `dir` as `model.json` + `weights.bin` + `metadata.json`, all at once.
 * With an optimizer, its state is saved too, so training can resume exactly.
 *
 * @param model The model.
 * @param dir The folder (created if needed; other files in it are kept).
 * @param metadata What to record beside it (`files` is filled in here).
 * @param optimizer The optimizer whose state a checkpoint keeps.
 * @param options The file writer.
 * @returns When every part is in place.
 * @throws {ModelFileError} when another process is writing the folder, or took this
 * process's lock over while it was stopped (checked just before the swap), or a write fails
 * (a full disk): the folder then still holds its previous save, complete.
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
  options: SaveModelOptions = {},
): Promise<void> {
  const files = await modelFiles(model);
  if (optimizer) {
    const encoded = await tf.io.encodeWeights(await optimizer.getWeights());
    files[OPTIMIZER_WEIGHTS_FILE] = toBytes(encoded.data);
    files[OPTIMIZER_FILE] = new TextEncoder().encode(
      JSON.stringify({ className: optimizer.getClassName(), weights: encoded.specs }),
    );
  }
  const parts: NonNullable<ModelMetadata["files"]> = {};
  for (const [name, bytes] of Object.entries(files)) {
    parts[name] = { bytes: bytes.length, sha256: await sha256Hex(bytes) };
  }
  files[METADATA_FILE] = new TextEncoder().encode(
    JSON.stringify({ ...metadata, files: parts }, null, 2) + "\n",
  );
  const writer = options.writeFile ? { writeFile: options.writeFile } : {};
  const lock = holdsModelDirLock(dir) ? undefined : await lockModelDir(dir, writer);
  try {
    await replaceDir(dir, files, {
      replaces: [...MODEL_PARTS, METADATA_FILE],
      ...writer,
      beforeCommit: () => assertLockHeld(dir),
    });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable || error instanceof ModelFileError) throw error;
    if (error instanceof Deno.errors.NotADirectory) {
      throw new ModelFileError(`Could not save the model: ${error.message}`, { cause: error });
    }
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ModelFileError(
      `Could not save the model to ${dir} (${why}); the folder still holds its previous save`,
      { cause: error },
    );
  } finally {
    await lock?.release();
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
 * Loads a model saved by {@linkcode saveModel}, checking every part before tfjs builds it.
 *
 * @param dir The model folder.
 * @param options The backend to make active first.
 * @returns The model and its metadata.
 * @throws {ModelFileError} when a file is missing, too large, corrupt, not the architecture
 * its metadata names, holds non-finite weights, or belongs to a different save than the
 * metadata (after retries, in case another process was saving at that moment).
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
  const { metadata, modelJson, weights } = await withConsistentReads(dir, async (metadata, at) => {
    const modelJsonBytes = await readPart(at, MODEL_FILE);
    const json = readJsonPart(modelJsonBytes, join(at, MODEL_FILE));
    let modelJson;
    try {
      modelJson = checkModelJson(json, metadataArchitecture(metadata));
    } catch (error) {
      throw new ModelFileError(`${join(at, MODEL_FILE)}: ${(error as Error).message}`);
    }
    const weights = await readPart(at, WEIGHTS_FILE, modelJson.weightBytes);
    if (weights.length !== modelJson.weightBytes) {
      throw new ModelFileError(
        `${join(at, WEIGHTS_FILE)} has ${weights.length} bytes; ${MODEL_FILE} declares ` +
          `${modelJson.weightBytes}`,
      );
    }
    await checkParts(at, metadata, { [MODEL_FILE]: modelJsonBytes, [WEIGHTS_FILE]: weights });
    return { metadata, modelJson, weights };
  });
  const weightData = weights.slice().buffer;
  const floats = new Float32Array(weightData);
  const bad = floats.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new ModelFileError(
      `${join(dir, WEIGHTS_FILE)} holds ${floats[bad]} at value ${bad}: the model is corrupt ` +
        "(retrain it)",
    );
  }
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightSpecs,
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
