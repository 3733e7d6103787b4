/**
 * Byte sizes in messages and the error for an input over its size cap: no file access, so
 * the browser's data loader and the engines' memory checks use them too.
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
