/**
 * Saves models in the standard TF.js layers format (`model.json` + `weights.bin`,
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
import { ModelFileError } from "../errors.ts";
import { type FileWriter, replaceDir } from "../fs/replace_dir.ts";
import { sha256Hex } from "../data/checksums.ts";
import { METADATA_FILE, type ModelMetadata } from "./metadata.ts";
import { assertLockHeld, holdsModelDirLock, lockModelDir } from "./model_lock.ts";
import { MODEL_PARTS } from "./_model_parts.ts";

export { readMetadata } from "./_model_parts.ts";
export { loadOptimizerState } from "./optimizer_state.ts";
// The reading side lives in load_model.ts; still importable from here.
export { type LoadedModel, loadModel, type LoadModelOptions } from "./load_model.ts";

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
