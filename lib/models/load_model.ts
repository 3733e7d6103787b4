/**
 * Loads a model that `saveModel` (`save_model.ts`) saved: every part is read under
 * {@linkcode withConsistentReads} (so two saves' parts are never mixed) and checked before
 * tfjs builds anything: `model.json` against the architecture the metadata names, the weights'
 * size against `model.json`, each part's SHA-256 against the metadata, the weights for NaN.
 *
 * Requires `--allow-read` for the folder.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { ModelFileError } from "../errors.ts";
import { type BackendRequest, ensureBackend } from "../backend/select_backend.ts";
import { metadataArchitecture, type ModelMetadata } from "./metadata.ts";
import { checkModelJson } from "./_model_json.ts";
import {
  checkParts,
  MODEL_PARTS,
  readJsonPart,
  readPart,
  withConsistentReads,
} from "./_model_parts.ts";

const [MODEL_FILE, WEIGHTS_FILE] = MODEL_PARTS;

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
 * Loads a model saved by `saveModel`, checking every part before tfjs builds it.
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
