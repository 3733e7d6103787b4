/**
 * Reads a user's image file (or standard input, `-`) for `predict --image`, with a size cap
 * and messages that say what to do when the file is outside what the task may read.
 *
 * @module
 */
import {
  NotRegularFileError,
  readFileCapped,
  readStreamCapped,
  TooLargeError,
} from "../fs/read_capped.ts";
import { ImageFileError } from "./image_file_error.ts";

/** Larger files are refused unread: a 16-megapixel PNG or JPEG is far smaller. */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads an image file, or standard input when `path` is `-` (so an image anywhere can be
 * piped in without widening the task's read permission).
 *
 * Requires `--allow-read` for `path` (nothing for `-`).
 *
 * @param path The file, or `-` for standard input.
 * @param stdin The stream read for `-`. @default {Deno.stdin.readable}
 * @returns The file's bytes.
 * @throws {ImageFileError} when the file is missing, a folder, a FIFO or device, larger than
 * 64 MiB or outside
 * the task's read permission (the message says how to pipe it in instead).
 *
 * @example Read standard input
 * ```ts
 * import { readImageFile } from "./read_image_file.ts";
 * const bytes = await readImageFile("-", new Blob([new Uint8Array([1, 2])]).stream());
 * if (bytes.length !== 2) throw new Error();
 * ```
 */
export async function readImageFile(
  path: string,
  stdin: ReadableStream<Uint8Array> = Deno.stdin.readable,
): Promise<Uint8Array> {
  const name = path === "-" ? "standard input" : path;
  try {
    if (path === "-") return await readStreamCapped(stdin, MAX_IMAGE_FILE_BYTES, name);
    if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
      throw new ImageFileError(
        `${path}: outside the folders this task may read; pipe it in (--image - < ${path}) ` +
          "or see the README's Permissions section",
      );
    }
    return await readFileCapped(path, MAX_IMAGE_FILE_BYTES);
  } catch (error) {
    if (error instanceof ImageFileError) throw error;
    if (error instanceof NotRegularFileError) {
      throw new ImageFileError(`${error.message} (pipe it in with --image - instead)`, {
        cause: error,
      });
    }
    if (error instanceof TooLargeError) {
      throw new ImageFileError(`${error.message}: not a digit image`, { cause: error });
    }
    if (error instanceof Deno.errors.NotFound) {
      throw new ImageFileError(`${path}: no such file`, { cause: error });
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new ImageFileError(`${path}: is a folder, not an image file`, { cause: error });
    }
    throw error;
  }
}
