/**
 * Gzip detection and decompression (fflate's streaming inflater, which reads a file of
 * several members; the platform `DecompressionStream` refused a second member as corrupt).
 * fflate skips the members' checksums, so they are checked here.
 *
 * @module
 */
import { Gunzip } from "fflate";
import { crc32 } from "../codec/checksums.ts";
import { DatasetError } from "../errors.ts";
import { TooLargeError } from "../fs/byte_size.ts";

/**
 * Input slices per push, from 1 KB to 16 KB: deflate reaches ~1032:1, so a slice is at most
 * what the rest of the cap could come from (the cap is overshot by ≤ ~1 MB). Small slices
 * cost time (fflate copies its 32 KB window per push): the 9.8 MB training images took
 * 3.7 s in 1 KB slices, 1.1 s in 16 KB ones (+0.4 s for the CRC-32; the platform's
 * single-member `DecompressionStream` took ~0.5 s).
 */
const FEED_BYTES = [1024, 16 * 1024] as const;
const DEFLATE_MAX_RATIO = 1032;

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
 * can inflate to gigabytes, so the size check must come before the memory is spent. A file
 * of several members (`cat a.gz b.gz`, which `gzip -dc` reads as one) is read whole; each
 * member's CRC-32 and size are checked against its trailer.
 *
 * @param bytes Gzip-compressed bytes.
 * @param name File name used in the error message.
 * @param maxBytes The most output accepted, all members together. @default {Infinity}
 * @returns The decompressed bytes.
 * @throws {DatasetError} When the data is not valid gzip, is cut short, fails a member's
 * CRC-32 or size, or inflates past `maxBytes`.
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
 * assert.deepEqual(await gunzip(new Uint8Array([...gz, ...gz])), new Uint8Array([1, 2, 3, 1, 2, 3]));
 * await assert.rejects(gunzip(gz, "x.gz", 2), /inflates to more than 2 bytes/);
 * ```
 */
export function gunzip(
  bytes: Uint8Array,
  name = "gzip data",
  maxBytes = Infinity,
): Promise<Uint8Array> {
  return run(() => inflateMembers(bytes, maxBytes), name, maxBytes);
}

/** Runs an inflation, turning its failures into one-line `DatasetError`s naming the file. */
function run(inflate: () => Uint8Array, name: string, maxBytes: number): Promise<Uint8Array> {
  try {
    return Promise.resolve(inflate());
  } catch (error) {
    if (error instanceof TooLargeError) {
      const message = `${name}: inflates to more than ${maxBytes} bytes`;
      return Promise.reject(new DatasetError(message, { cause: error }));
    }
    const why = error instanceof Error ? error.message : String(error);
    return Promise.reject(
      new DatasetError(`${name}: corrupt or truncated gzip data (${why})`, { cause: error }),
    );
  }
}

/** Thrown to stop inflating once a prefix is long enough. */
class EnoughError extends Error {}

/**
 * The first bytes of gzip data (more when a slice inflates past them), inflating no more
 * than that: for a cap derived from a header inside the compressed data (see `decodeIdx`).
 *
 * @param bytes Gzip-compressed bytes.
 * @param name File name used in the error message.
 * @param length How many leading bytes are wanted.
 * @returns At least `length` bytes, or all of them when the data is shorter.
 * @throws {DatasetError} When the data is not valid gzip or is cut short before `length`.
 */
export function gunzipPrefix(bytes: Uint8Array, name: string, length: number): Promise<Uint8Array> {
  return run(() => inflateMembers(bytes, length, true), name, length);
}

/** Inflates every member, checking each against its trailer (CRC-32, size mod 2³²). */
function inflateMembers(bytes: Uint8Array, maxBytes: number, prefix = false): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let member = { index: 1, crc: 0, size: 0 };
  // The member that ends at byte `end` of the input is checked against its 8-byte trailer.
  const check = (end: number) => {
    if (end < 18) throw new Error(`member ${member.index} is cut short`);
    if (view.getUint32(end - 8, true) !== member.crc) {
      throw new Error(`member ${member.index} fails its CRC-32`);
    }
    if (view.getUint32(end - 4, true) !== member.size % 2 ** 32) {
      throw new Error(`member ${member.index} is not the size its trailer records`);
    }
  };
  const inflater = new Gunzip((chunk) => {
    total += chunk.length;
    if (total > maxBytes && !prefix) {
      throw new TooLargeError(`more than ${maxBytes} bytes`, maxBytes);
    }
    member.crc = crc32(member.crc, chunk);
    member.size += chunk.length;
    chunks.push(chunk);
    if (prefix && total >= maxBytes) throw new EnoughError();
  });
  // Called when the next member's header has been read, after all of this one's output.
  inflater.onmember = (start) => {
    check(start);
    member = { index: member.index + 1, crc: 0, size: 0 };
  };
  let at = 0;
  try {
    do {
      const room = Math.floor((maxBytes - total) / DEFLATE_MAX_RATIO);
      const end = at + Math.max(FEED_BYTES[0], Math.min(FEED_BYTES[1], room));
      inflater.push(bytes.subarray(at, end), end >= bytes.length);
      at = end;
    } while (at < bytes.length);
    check(bytes.length);
  } catch (error) {
    if (!(error instanceof EnoughError)) throw error;
  }
  const out = new Uint8Array(total);
  chunks.reduce((at, chunk) => (out.set(chunk, at), at + chunk.length), 0);
  return out;
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
