/**
 * Reading the parts of a model folder: size caps, one-line errors that name the file, the
 * schema check of `metadata.json`, and the check that every part is the one
 * `metadata.json` recorded (size and SHA-256), retried while another process swaps in a save.
 *
 * @module
 */
import { join } from "node:path";
import { ModelFileError } from "../errors.ts";
import { sha256Hex } from "../data/checksums.ts";
import {
  formatBytes,
  NotRegularFileError,
  readFileCapped,
  TooLargeError,
} from "../fs/read_capped.ts";
import { METADATA_FILE, type ModelMetadata } from "./metadata.ts";
import { metadataProblem } from "./_metadata_schema.ts";
import { savedDir } from "./_saved_dir.ts";

/** The files of a save besides `metadata.json`. */
export const MODEL_PARTS = [
  "model.json",
  "weights.bin",
  "optimizer.json",
  "optimizer.bin",
] as const;

/** JSON parts are a few KB; weights at most a few MB (cnn-wide: 2.4 MB). */
const MAX_JSON_BYTES = 4 * 1024 * 1024;
const MAX_BINARY_BYTES = 64 * 1024 * 1024;
const ATTEMPTS = 4;
const RETRY_MS = 30;

/** A part that is not the one `metadata.json` describes: possibly a save in progress. */
class PartMismatchError extends ModelFileError {}

/**
 * Reads one part, refusing more than `expected` bytes (or the cap for its kind).
 *
 * @throws {ModelFileError} naming the file: missing, a folder, a FIFO or device, or too large.
 */
export async function readPart(dir: string, name: string, expected?: number): Promise<Uint8Array> {
  const path = join(dir, name);
  const cap = expected ?? (name.endsWith(".json") ? MAX_JSON_BYTES : MAX_BINARY_BYTES);
  try {
    return await readFileCapped(path, Math.min(cap, MAX_BINARY_BYTES));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new PartMismatchError(`No saved model in ${dir}: ${name} is missing`, { cause: error });
    }
    if (error instanceof Deno.errors.NotADirectory) {
      throw new ModelFileError(`${dir} is a file, not a model folder`, { cause: error });
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new ModelFileError(`${path} is a folder, not a file`, { cause: error });
    }
    if (error instanceof NotRegularFileError) {
      throw new ModelFileError(error.message, { cause: error });
    }
    if (error instanceof TooLargeError) {
      const declared = expected === undefined ? "" : " (more than its model.json declares)";
      throw new ModelFileError(`${path} is larger than ${formatBytes(cap)}${declared}`);
    }
    throw error;
  }
}

/** Parses a JSON part. @throws {ModelFileError} when it is not JSON. */
export function readJsonPart(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ModelFileError(`${path} is not valid JSON`, { cause: error });
  }
}

/**
 * Reads only `metadata.json` of a saved model, checked against its schema.
 *
 * @param dir The model folder.
 * @returns The metadata, or `undefined` when the folder has none.
 * @throws {ModelFileError} when it is not JSON or not valid (the message names the field),
 * or `dir` is a file. Training with `--retrain` catches this to replace a corrupt folder.
 *
 * @example
 * ```ts
 * import { readMetadata } from "./_model_parts.ts";
 * if (await readMetadata(await Deno.makeTempDir()) !== undefined) throw new Error();
 * ```
 */
export async function readMetadata(dir: string): Promise<ModelMetadata | undefined> {
  return await readMetadataIn(await savedDir(dir));
}

async function readMetadataIn(dir: string): Promise<ModelMetadata | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readPart(dir, METADATA_FILE);
  } catch (error) {
    if (error instanceof PartMismatchError) return undefined;
    throw error;
  }
  const path = join(dir, METADATA_FILE);
  const value = readJsonPart(bytes, path);
  const problem = metadataProblem(value);
  if (problem) {
    throw new ModelFileError(
      `${path} is not valid: ${problem} (training with --retrain replaces it)`,
    );
  }
  return value as ModelMetadata;
}

/**
 * Checks that each part is the one `metadata.json` recorded (older saves recorded nothing).
 *
 * @throws {ModelFileError} (retried by {@linkcode withConsistentReads}) naming the part.
 */
export async function checkParts(
  dir: string,
  metadata: ModelMetadata,
  parts: Record<string, Uint8Array>,
): Promise<void> {
  if (!metadata.files) return;
  for (const [name, bytes] of Object.entries(parts)) {
    const want = metadata.files[name];
    if (!want) {
      throw new PartMismatchError(`${join(dir, name)} is not listed in ${METADATA_FILE}`);
    }
    if (bytes.length !== want.bytes || await sha256Hex(bytes) !== want.sha256) {
      throw new PartMismatchError(
        `${join(dir, name)} is not the file ${METADATA_FILE} describes (written by another ` +
          "save, or edited); train again with --retrain",
      );
    }
  }
}

/**
 * Reads the metadata and runs `body` on it and the folder to read the other parts from (the
 * previous save set aside by a swap that was killed, if `dir` is missing); when a part is
 * missing or belongs to another save (a concurrent save swapping the folder), tries again a
 * few times.
 *
 * @throws {ModelFileError} when the folder has no metadata or the parts still disagree.
 */
export async function withConsistentReads<T>(
  dir: string,
  body: (metadata: ModelMetadata, from: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      const from = await savedDir(dir);
      const metadata = await readMetadataIn(from);
      if (!metadata) {
        throw new PartMismatchError(`No saved model in ${dir}: ${METADATA_FILE} is missing`);
      }
      return await body(metadata, from);
    } catch (error) {
      if (!(error instanceof PartMismatchError) || attempt === ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS * attempt));
    }
  }
}
