/**
 * Gzip detection and decompression with the platform `DecompressionStream`, so the official
 * `.gz` MNIST files need no npm dependency.
 *
 * @module
 */
import { DatasetError } from "../errors.ts";
import { readStreamCapped, TooLargeError } from "../fs/read_capped.ts";

const FEED_BYTES = 1024;

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
 * Decompresses gzip data, stopping as soon as the output passes `maxBytes`: a small `.gz`
 * can inflate to gigabytes, so the size check must come before the memory is spent.
 *
 * @param bytes Gzip-compressed bytes.
 * @param name File name used in the error message.
 * @param maxBytes The most output accepted. @default {Infinity}
 * @returns The decompressed bytes.
 * @throws {DatasetError} When the data is not valid gzip, is cut short, or inflates past
 * `maxBytes`.
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
 * await assert.rejects(gunzip(gz, "x.gz", 2), /inflates to more than 2 bytes/);
 * ```
 */
export async function gunzip(
  bytes: Uint8Array,
  name = "gzip data",
  maxBytes = Infinity,
): Promise<Uint8Array> {
  // Fed in 1 KB slices: each slice inflates to at most ~1 MB, so the cap is checked often
  // (a Blob stream's 64 KB chunks would each inflate to up to 64 MB before any check).
  let offset = 0;
  const input = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + FEED_BYTES));
      offset += FEED_BYTES;
    },
  }, { highWaterMark: 0 });
  const stream = input.pipeThrough(new DecompressionStream("gzip"));
  try {
    return await readStreamCapped(stream, maxBytes, name);
  } catch (error) {
    if (error instanceof TooLargeError) {
      throw new DatasetError(`${name}: inflates to more than ${maxBytes} bytes`, { cause: error });
    }
    const why = error instanceof Error ? error.message : String(error);
    throw new DatasetError(`${name}: corrupt or truncated gzip data (${why})`, { cause: error });
  }
}

/**
 * Decompresses `bytes` if they are gzip, and returns them unchanged otherwise.
 *
 * @param bytes Raw or gzip-compressed bytes.
 * @param name File name used in the error message.
 * @param maxBytes The most output accepted from gzip data. @default {Infinity}
 * @returns The raw bytes.
 * @throws {DatasetError} When gzip data is corrupt or inflates past `maxBytes`.
 * @example Raw bytes pass through
 * ```ts
 * import { gunzipIfNeeded } from "./gunzip.ts";
 * import assert from "node:assert/strict";
 * const raw = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]);
 * assert.equal(await gunzipIfNeeded(raw), raw);
 * ```
 */
export async function gunzipIfNeeded(
  bytes: Uint8Array,
  name?: string,
  maxBytes?: number,
): Promise<Uint8Array> {
  return isGzip(bytes) ? await gunzip(bytes, name, maxBytes) : bytes;
}
