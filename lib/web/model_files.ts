/**
 * A browser model as the files of a tfjs layers model — `model.json` (Keras topology and
 * weights manifest), `weights.bin` (float32, in the model's weight order) and the project's
 * `metadata.json` (recipe, history, test metrics, each part's size and SHA-256) — so `deno
 * task evaluate --model DIR` and `tf.loadLayersModel` read what a page saved; and the way
 * back, from fetched files, with the checks `loadModel` makes: metadata schema, topology
 * against the architecture, sizes, hashes, finite weights. The `weights.bin` layout is
 * `_weights_bin.ts`.
 *
 * @module
 */
import { ModelFileError } from "../errors.ts";
import { readStreamCapped, TooLargeError } from "../fs/byte_size.ts";
import { sha256Hex } from "../data/checksums.ts";
import { planTraining } from "../engine/plan.ts";
import { checkModelJson } from "../models/_model_json.ts";
import { metadataProblem } from "../models/_metadata_schema.ts";
import { METADATA_FILE, metadataArchitecture, type ModelMetadata } from "../models/metadata.ts";
import { kerasLayerNames, kerasTopology } from "./_keras_topology.ts";
import type { WebModel } from "./web_model.ts";
import { packWeights, unpackWeights } from "./_weights_bin.ts";

/** The files of a saved model, by name. */
export type ModelFiles = Record<string, Uint8Array<ArrayBuffer>>;

const MODEL_FILE = "model.json";
const WEIGHTS_FILE = "weights.bin";
/** The names a saved model's files have. */
export const MODEL_FILE_NAMES: readonly string[] = [MODEL_FILE, WEIGHTS_FILE, METADATA_FILE];
/** The largest `model.json` or `metadata.json` read (an architecture file's cap). */
const MAX_JSON_BYTES = 1 << 20;
/** The largest `weights.bin` fetched: 20 million float32 parameters (the architecture cap). */
const MAX_WEIGHT_BYTES = 80_000_000;

/**
 * The files of a model.
 *
 * @param model The model (trained at least one epoch).
 * @param date The save's date. @default now
 * @returns `model.json`, `weights.bin` and `metadata.json`.
 * @throws {RangeError} when the model has no finished epoch.
 */
export async function exportModelFiles(model: WebModel, date = new Date()): Promise<ModelFiles> {
  if (model.history.length === 0) throw new RangeError("The model has not finished an epoch");
  const arch = model.architecture;
  const plan = planTraining(arch, 1);
  const { weights, specs } = packWeights(plan, kerasLayerNames(arch), model.params, model.state);
  const json = {
    modelTopology: kerasTopology(arch),
    format: "layers-model",
    generatedBy: "mnist-cnn (browser)",
    convertedBy: null,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: specs }],
  };
  const files: ModelFiles = {
    [MODEL_FILE]: new TextEncoder().encode(JSON.stringify(json)),
    [WEIGHTS_FILE]: new Uint8Array(weights.buffer),
  };
  const parts: NonNullable<ModelMetadata["files"]> = {};
  for (const [name, bytes] of Object.entries(files)) {
    parts[name] = { bytes: bytes.length, sha256: await sha256Hex(bytes) };
  }
  const metadata: ModelMetadata = {
    format: 1,
    arch: arch.name,
    architecture: arch,
    recipe: model.recipe,
    ...(model.seed === undefined ? {} : { seed: model.seed }),
    trainCount: model.trainCount,
    validation: 0,
    datasetSha256: model.datasetSha256,
    epochsCompleted: model.history.length,
    history: model.history,
    ...(model.test ? { test: model.test } : {}),
    backend: model.backend.slice(0, 200),
    date: date.toISOString(),
    files: parts,
  };
  files[METADATA_FILE] = new TextEncoder().encode(JSON.stringify(metadata, null, 2) + "\n");
  return files;
}

function json(files: ModelFiles, name: string): unknown {
  const bytes = files[name];
  if (!bytes) throw new ModelFileError(`${name} is missing`);
  if (bytes.length > MAX_JSON_BYTES) throw new ModelFileError(`${name} is larger than 1 MB`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ModelFileError(`${name} is not JSON (${(error as Error).message})`);
  }
}

/**
 * A model from its files, checked as `loadModel` checks a folder.
 *
 * @param files `model.json`, `weights.bin` and `metadata.json`.
 * @returns The model.
 * @throws {ModelFileError} with one line naming the file and what is wrong.
 */
export async function modelFromFiles(files: ModelFiles): Promise<WebModel> {
  const metadata = json(files, METADATA_FILE);
  const problem = metadataProblem(metadata);
  if (problem) throw new ModelFileError(`${METADATA_FILE} is not valid: ${problem}`);
  const meta = metadata as ModelMetadata;
  const arch = metadataArchitecture(meta);
  let weightBytes: number;
  try {
    weightBytes = checkModelJson(json(files, MODEL_FILE), arch).weightBytes;
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`${MODEL_FILE}: ${(error as Error).message}`);
  }
  const bin = files[WEIGHTS_FILE];
  if (!bin) throw new ModelFileError(`${WEIGHTS_FILE} is missing`);
  if (bin.length !== weightBytes) {
    throw new ModelFileError(
      `${WEIGHTS_FILE} has ${bin.length} bytes; ${MODEL_FILE} declares ${weightBytes}`,
    );
  }
  for (const name of [MODEL_FILE, WEIGHTS_FILE]) {
    const want = meta.files?.[name];
    if (
      want && (want.bytes !== files[name]!.length || want.sha256 !== await sha256Hex(files[name]!))
    ) {
      throw new ModelFileError(`${name} is not the file ${METADATA_FILE} describes`);
    }
  }
  const weights = new Float32Array(bin.slice().buffer);
  const bad = weights.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ModelFileError(`${WEIGHTS_FILE} holds ${weights[bad]} at value ${bad}`);
  const plan = planTraining(arch, 1);
  const { params, state } = unpackWeights(plan, weights);
  return {
    architecture: arch,
    recipe: meta.recipe,
    params,
    state,
    history: meta.history,
    trainCount: meta.trainCount,
    datasetSha256: meta.datasetSha256,
    ...(meta.seed === undefined ? {} : { seed: meta.seed }),
    backend: meta.backend,
    ...(meta.test ? { test: meta.test } : {}),
  };
}

/**
 * Fetches a saved model's files from `<base>/model.json` etc. and checks them.
 *
 * @param base The folder's URL.
 * @param fetchFn The fetch to use. @default {globalThis.fetch}
 * @returns The model.
 * @throws {ModelFileError} for a failed request or a file that does not check.
 */
export async function fetchModel(
  base: string | URL,
  fetchFn = globalThis.fetch,
): Promise<WebModel> {
  const root = String(base).endsWith("/") ? String(base) : `${base}/`;
  const files: ModelFiles = {};
  for (const name of MODEL_FILE_NAMES) {
    const response = await fetchFn(new URL(name, root));
    if (!response.ok || !response.body) {
      throw new ModelFileError(`${root}${name}: HTTP ${response.status}`);
    }
    const cap = name === WEIGHTS_FILE ? MAX_WEIGHT_BYTES : MAX_JSON_BYTES;
    try {
      files[name] = new Uint8Array(await readStreamCapped(response.body, cap, `${root}${name}`));
    } catch (error) {
      if (error instanceof TooLargeError) throw new ModelFileError(error.message);
      throw error;
    }
  }
  return await modelFromFiles(files);
}
