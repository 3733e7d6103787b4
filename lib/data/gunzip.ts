/**
 * Gzip detection and decompression with the platform `DecompressionStream`, so the official
 * `.gz` MNIST files need no npm dependency.
 *
 * @module
 */
import { DatasetError } from "../errors.ts";

/**
 * Tells whether `bytes` start with the gzip magic number (`1f 8b`).
 *
 * An IDX file can never be mistaken for gzip: its magic number starts with `00 00`.
 *
 * @param bytes File contents.
 * @returns `true` for gzip data.
 * @example Detect gzip
 * ```ts
 * import { isGzip } from "./gunzip.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isGzip(new Uint8Array([0x1f, 0x8b, 8])), true);
 * assert.equal(isGzip(new Uint8Array([0, 0, 8, 3])), false);
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip data.
 *
 * @param bytes Gzip-compressed bytes.
 * @param name File name used in the error message.
 * @returns The decompressed bytes.
 * @throws {DatasetError} When the data is not valid gzip or is cut short.
 * @example Round trip
 * ```ts
 * import { gunzip } from "./gunzip.ts";
 * import assert from "node:assert/strict";
 * const raw = new Uint8Array([1, 2, 3]);
 * const gz = new Uint8Array(
 *   await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip")))
 *     .arrayBuffer(),
 * );
 * assert.deepEqual(await gunzip(gz), raw);
 * ```
 */
export async function gunzip(bytes: Uint8Array, name = "gzip data"): Promise<Uint8Array> {
  // A Blob copies the input, so the caller's array stays untouched.
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new DatasetError(`${name}: corrupt or truncated gzip data (${why})`, { cause: error });
  }
}

/**
 * Decompresses `bytes` if they are gzip, and returns them unchanged otherwise.
 *
 * @param bytes Raw or gzip-compressed bytes.
 * @param name File name used in the error message.
 * @returns The raw bytes.
 * @throws {DatasetError} When gzip data is corrupt.
 * @example Raw bytes pass through
 * ```ts
 * import { gunzipIfNeeded } from "./gunzip.ts";
 * import assert from "node:assert/strict";
 * const raw = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]);
 * assert.equal(await gunzipIfNeeded(raw), raw);
 * ```
 */
export async function gunzipIfNeeded(bytes: Uint8Array, name?: string): Promise<Uint8Array> {
  return isGzip(bytes) ? await gunzip(bytes, name) : bytes;
}
