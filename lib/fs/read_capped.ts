/**
 * Reads a file or stream only up to a size cap, so an input that is larger than anything
 * sensible (or endless, like `/dev/zero` or a pipe) costs at most the cap in memory.
 *
 * @module
 */
import { readStreamCapped } from "./byte_size.ts";

export { formatBytes, readStreamCapped, TooLargeError } from "./byte_size.ts";

/**
 * A path names a FIFO, a device or a socket, not a regular file: opening a FIFO waits for a
 * writer (forever), and a device or socket is never the file a user meant.
 *
 * @example
 * ```ts
 * import { NotRegularFileError } from "./read_capped.ts";
 * const error = new NotRegularFileError("x", "a socket");
 * if (error.message !== "x is a socket, not a regular file") throw new Error();
 * ```
 */
export class NotRegularFileError extends Error {
  /** Creates the error; `kind` says what the path is instead (e.g. `a FIFO (named pipe)`). */
  constructor(readonly path: string, kind: string) {
    super(`${path} is ${kind}, not a regular file`);
    this.name = "NotRegularFileError";
  }
}

/** What a path that is not a regular file is, in words, or undefined for a regular file. */
function notRegular(info: Deno.FileInfo): string | undefined {
  if (info.isFile) return undefined;
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a file";
}

/**
 * Reads a file, refusing more than `maxBytes` (checked on the bytes read, not on the size
 * the file system reports, which is 0 for pipes and devices).
 *
 * Requires `--allow-read` for `path`.
 *
 * @param path The file.
 * @param maxBytes The most bytes accepted.
 * @returns The bytes.
 * @throws {TooLargeError} when the file is larger than `maxBytes`.
 * @throws {NotRegularFileError} for a FIFO, device or socket (checked before opening it).
 * @throws {Deno.errors.IsADirectory} for a folder.
 * @throws {Deno.errors.NotFound} and the other file errors of `Deno.stat` and `Deno.open`.
 *
 * @example
 * ```ts
 * import { readFileCapped, TooLargeError } from "./read_capped.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array(100));
 * const error = await readFileCapped(path, 10).catch((e) => e);
 * if (!(error instanceof TooLargeError)) throw new Error("not refused");
 * await Deno.remove(path);
 * ```
 */
export async function readFileCapped(path: string, maxBytes: number): Promise<Uint8Array> {
  // Checked before opening: opening a FIFO blocks until a writer comes; reading a folder
  // fails only when read, so checking first gives the clearer error.
  checkRegular(await Deno.stat(path), path);
  const file = await Deno.open(path, { read: true });
  try {
    // Again on what was opened, in case the path was replaced in between.
    checkRegular(await file.stat(), path);
  } catch (error) {
    file.close();
    throw error;
  }
  return await readStreamCapped(file.readable, maxBytes, path);
}

function checkRegular(info: Deno.FileInfo, path: string): void {
  if (info.isDirectory) throw new Deno.errors.IsADirectory(`${path} is a folder, not a file`);
  const kind = notRegular(info);
  if (kind) throw new NotRegularFileError(path, kind);
}
