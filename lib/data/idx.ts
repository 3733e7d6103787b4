/**
 * The IDX file format of MNIST: a 4-byte magic number (`00 00`, data type, rank), one
 * big-endian uint32 per dimension, then the values. Only unsigned bytes (type `0x08`) are
 * supported, which is what every MNIST file uses.
 *
 * The header is checked in full before any value is touched, and the values are copied
 * once, so parsing the 47 MB training images costs one memcpy.
 *
 * @module
 */
import { DatasetError } from "../errors.ts";
import { gunzip, gunzipPrefix, isGzip } from "./gunzip.ts";

/** IDX data type byte for unsigned 8-bit values. */
export const IDX_UBYTE = 0x08;

/** An n-dimensional array of unsigned bytes read from an IDX file. */
export interface IdxArray {
  /** Size of each dimension, outermost first (e.g. `[60000, 28, 28]`). */
  dims: number[];
  /** The values, row-major; its own buffer, starting at offset 0. */
  data: Uint8Array;
}

/** What the caller expects the file to hold. */
export interface IdxExpectation {
  /** Number of dimensions (3 for images, 1 for labels). */
  rank?: number;
  /** Size of each dimension; `null` accepts any size for that dimension. */
  dims?: readonly (number | null)[];
}

/** Options for {@linkcode parseIdx}. */
export interface ParseIdxOptions {
  /** File name shown in error messages. */
  name: string;
  /** Rank and dims to check; unchecked when absent. */
  expect?: IdxExpectation;
}

/**
 * Parses the raw (uncompressed) bytes of an IDX file.
 *
 * @param bytes Contents of the file.
 * @param options File name for messages and the expected rank and dims.
 * @returns The dims and a copy of the values.
 * @throws {DatasetError} When the magic number, rank, dims or byte length is wrong; the
 * message names the file and what is wrong.
 * @example Parse a labels file
 * ```ts
 * import { encodeIdx, parseIdx } from "./idx.ts";
 * import assert from "node:assert/strict";
 * const bytes = encodeIdx(new Uint8Array([7, 2, 1]), [3]);
 * const labels = parseIdx(bytes, { name: "labels", expect: { rank: 1 } });
 * assert.deepEqual(labels.dims, [3]);
 * assert.deepEqual([...labels.data], [7, 2, 1]);
 * ```
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions): IdxArray {
  const { name, expect = {} } = options;
  const fail = (what: string): never => {
    throw new DatasetError(`${name}: ${what}`);
  };
  if (isGzip(bytes)) fail("is gzip-compressed; decompress it first (see decodeIdx())");
  if (bytes.length < 4) {
    fail(`truncated: file has ${bytes.length} bytes, an IDX magic number needs 4`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const rank = bytes[3]!;
  const wanted = expect.rank === undefined ? "" : `, expected ${hex(magicFor(expect.rank))}`;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`not an IDX file: magic number ${hex(magic)}${wanted}`);
  }
  if (bytes[2] !== IDX_UBYTE) {
    fail(
      `unsupported IDX data type 0x${bytes[2]!.toString(16)} in magic number ${hex(magic)}` +
        ` (only 0x08, unsigned bytes, is supported)`,
    );
  }
  if (expect.rank !== undefined && rank !== expect.rank) {
    fail(`wrong rank: magic number ${hex(magic)} says rank ${rank}${wanted} (rank ${expect.rank})`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail(`truncated: a rank-${rank} header needs ${headerBytes} bytes, file has ${bytes.length}`);
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  if (expect.dims && !dimsMatch(dims, expect.dims)) {
    fail(`wrong dims: header says ${shape(dims)}, expected ${shape(expect.dims)}`);
  }
  const size = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerBytes;
  if (have !== size) {
    const says = `header says ${shape(dims)} = ${size} bytes of ${valueWord(rank)}`;
    fail(
      have < size
        ? `truncated: ${says}, file has ${have}`
        : `${have - size} extra bytes at the end: ${says}, file has ${have}`,
    );
  }
  return { dims, data: bytes.slice(headerBytes) };
}

/**
 * Parses an IDX file that may be gzip-compressed (as the official `.gz` downloads are).
 *
 * @param bytes Raw or gzip-compressed contents.
 * @param options File name for messages and the expected rank and dims.
 * @returns The dims and values.
 * @throws {DatasetError} When the gzip data or the IDX content is invalid.
 * @example Parse a gzip-compressed file
 * ```ts
 * import { decodeIdx, encodeIdx } from "./idx.ts";
 * import assert from "node:assert/strict";
 * const raw = encodeIdx(new Uint8Array(4), [1, 2, 2]);
 * const gz = await new Response(
 *   new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip")),
 * ).bytes();
 * assert.deepEqual((await decodeIdx(gz, { name: "img.gz" })).dims, [1, 2, 2]);
 * ```
 */
export async function decodeIdx(bytes: Uint8Array, options: ParseIdxOptions): Promise<IdxArray> {
  if (!isGzip(bytes)) return parseIdx(bytes, options);
  // The header (at most 4 + 4 × 255 bytes) is inflated first; the whole file may then
  // inflate only to the size it declares (a 50 KB .gz can hold 50 MB of zeros).
  const head = await gunzipPrefix(bytes, options.name, 4 + 4 * 255);
  return parseIdx(await gunzip(bytes, options.name, declaredBytes(head)), options);
}

/** The file size an IDX header declares (its own length when it is no valid header). */
function declaredBytes(head: Uint8Array): number {
  const rank = head[3] ?? 0;
  if (head[0] !== 0 || head[1] !== 0 || head.length < 4 + 4 * rank) return head.length;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const size = 4 + 4 * rank;
  const values = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i))
    .reduce((a, b) => a * b, 1);
  return size + values;
}

/**
 * Writes unsigned bytes as an IDX file (the inverse of {@linkcode parseIdx}); handy for
 * test fixtures and for exporting subsets of MNIST.
 *
 * @param data Values, row-major.
 * @param dims Size of each dimension; their product must equal `data.length`.
 * @returns The file contents.
 * @throws {RangeError} When `dims` do not match `data` or cannot be stored in a header.
 * @example Write an images file
 * ```ts
 * import { encodeIdx } from "./idx.ts";
 * import assert from "node:assert/strict";
 * const bytes = encodeIdx(new Uint8Array(2 * 28 * 28), [2, 28, 28]);
 * assert.deepEqual([...bytes.subarray(0, 4)], [0, 0, 8, 3]);
 * assert.equal(bytes.length, 16 + 2 * 28 * 28);
 * ```
 */
export function encodeIdx(data: Uint8Array, dims: readonly number[]): Uint8Array<ArrayBuffer> {
  if (dims.length > 255) throw new RangeError(`Cannot write rank ${dims.length}: IDX allows 255`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new RangeError(`Cannot write dimension ${d}: must be an integer in 0..2^32-1`);
    }
  }
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new RangeError(`Cannot write ${data.length} values as ${shape(dims)} (= ${size})`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magicFor(dims.length));
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, headerBytes);
  return out;
}

function magicFor(rank: number): number {
  return (IDX_UBYTE << 8) | rank;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

function shape(dims: readonly (number | null)[]): string {
  return dims.length === 0 ? "scalar" : dims.map((d) => d ?? "any").join("×");
}

function dimsMatch(dims: readonly number[], expected: readonly (number | null)[]): boolean {
  return dims.length === expected.length &&
    expected.every((d, i) => d === null || d === dims[i]);
}

function valueWord(rank: number): string {
  if (rank === 1) return "labels";
  return rank === 3 ? "pixels" : "values";
}
