/**
 * Reads an architecture file (`--arch-file`): at most {@linkcode MAX_ARCH_FILE_BYTES}, UTF-8,
 * parsed by `parseArchitecture`. The architecture is named after the file (`lenet5.keras.json`
 * → `lenet5`), which is what the user typed; Keras' own names are mostly `sequential`.
 *
 * Requires `--allow-read` for the file.
 *
 * @module
 */
import { basename } from "node:path";
import { ArchitectureError } from "../../errors.ts";
import { readFileCapped, TooLargeError } from "../../fs/read_capped.ts";
import type { Architecture } from "../architecture.ts";
import { parseArchitecture } from "./parse_architecture.ts";

/** The largest architecture file accepted (a 64-layer Keras config is ~60 KB). */
export const MAX_ARCH_FILE_BYTES = 1_000_000;

/**
 * The architecture name a file gives: its base name without `.json` / `.keras`, with any
 * character outside letters, digits, `-`, `_` and `.` replaced by `-`.
 *
 * @example
 * ```ts
 * import { archNameFromPath } from "./read_arch_file.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(archNameFromPath("examples/lenet5.keras.json"), "lenet5");
 * assert.equal(archNameFromPath("/tmp/my model.json"), "my-model");
 * ```
 */
export function archNameFromPath(path: string): string {
  const stem = basename(path).replace(/\.json$/i, "").replace(/\.keras$/i, "");
  const name = stem.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 64);
  return name || "custom";
}

/**
 * Reads and parses an architecture file.
 *
 * @param path A Keras `to_json()` file or a tfjs `model.json`.
 * @returns The architecture, named after the file.
 * @throws {ArchitectureError} for a missing, oversized, non-UTF-8 or invalid file: one line
 *   starting with the path.
 */
export async function readArchitectureFile(path: string): Promise<Architecture> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileCapped(path, MAX_ARCH_FILE_BYTES);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    if (error instanceof TooLargeError) {
      throw new ArchitectureError(`${path}: larger than the cap of ${MAX_ARCH_FILE_BYTES} bytes`);
    }
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ArchitectureError(`${path}: cannot read it (${why})`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ArchitectureError(`${path}: not UTF-8 text`);
  }
  try {
    return parseArchitecture(text, { name: archNameFromPath(path), source: basename(path) });
  } catch (error) {
    if (error instanceof ArchitectureError) {
      throw new ArchitectureError(`${path}: ${error.message}`);
    }
    throw error;
  }
}
