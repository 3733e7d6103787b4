/**
 * Byte sizes in messages, the error for an input over its size cap, and a stream read up to
 * a cap: no file access, so the browser's loaders and the engines' memory checks use them too.
 *
 * @module
 */

/**
 * The input is larger than the cap; `limit` is the cap it passed.
 *
 * @example
 * ```ts
 * import { TooLargeError } from "./byte_size.ts";
 * if (new TooLargeError("x is larger than 1 KB", 1000).limit !== 1000) throw new Error();
 * ```
 */
export class TooLargeError extends RangeError {
  /** Creates the error; the message names what was read and the cap. */
  constructor(message: string, readonly limit: number) {
    super(message);
    this.name = "TooLargeError";
  }
}

/**
 * Bytes for messages, in decimal units.
 *
 * @param bytes A byte count.
 * @returns E.g. `"64 MB"`, `"1.5 KB"`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./byte_size.ts";
 * if (formatBytes(1500) !== "1.5 KB") throw new Error();
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toFixed(1))} ${units[unit]}`;
}

/**
 * Reads a whole stream, refusing more than `maxBytes`.
 *
 * @param stream The bytes to read (a file's `readable`, `Deno.stdin.readable`, a body).
 * @param maxBytes The most bytes accepted.
 * @param name What is read, for the error message.
 * @returns The bytes.
 * @throws {TooLargeError} as soon as the stream passes `maxBytes` (the stream is cancelled).
 *
 * @example
 * ```ts
 * import { readStreamCapped } from "./byte_size.ts";
 * const bytes = await readStreamCapped(new Blob(["abc"]).stream(), 10, "blob");
 * if (bytes.length !== 3) throw new Error();
 * ```
 */
export async function readStreamCapped(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  name: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new TooLargeError(`${name} is larger than ${formatBytes(maxBytes)}`, maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
