/**
 * Writes a file so that readers see either the old content or the new, never half of it:
 * the bytes go to a temporary file in the same folder, which is then renamed over the target.
 *
 * Requires `--allow-write` for the target's folder.
 *
 * @module
 */
import { dirname } from "node:path";
import { checkWriteTarget } from "./write_guard.ts";

/**
 * Writes `data` to `path` atomically (temp file + rename), creating the folder if needed.
 * A folder on the way that is a symlink leading outside the writable folders is refused.
 *
 * @param path File to write.
 * @param data Bytes, or a string written as UTF-8.
 * @returns When the file is in place.
 * @throws {Deno.errors.NotCapable} when a symlink leads the write outside the allowed folders.
 *
 * @example
 * ```ts
 * import { atomicWrite } from "./atomic_write.ts";
 * const dir = await Deno.makeTempDir();
 * await atomicWrite(`${dir}/a/b.txt`, "hello");
 * if (await Deno.readTextFile(`${dir}/a/b.txt`) !== "hello") throw new Error();
 * ```
 */
export async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  await checkWriteTarget(path);
  await Deno.mkdir(dirname(path), { recursive: true });
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}
