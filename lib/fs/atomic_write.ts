/**
 * Writes a file so that readers see either the old content or the new, never half of it:
 * the bytes go to a temporary file in the same folder, which is then renamed over the target.
 *
 * Requires `--allow-write` for the target's folder.
 *
 * @module
 */
import { dirname } from "node:path";

/**
 * Writes `data` to `path` atomically (temp file + rename), creating the folder if needed.
 *
 * @param path File to write.
 * @param data Bytes, or a string written as UTF-8.
 */
export async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
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
