/**
 * The engine check's reference cache as a folder (`engine-check --reference-cache DIR`), see
 * `_reference_cache.ts`.
 *
 * @module
 */
import type { ReferenceCache } from "./_reference_cache.ts";

/** A key's file: letters, digits, `-`, `.` and `_` only. */
const fileOf = (dir: string, key: string) => `${dir}/${key.replace(/[^\w.-]/g, "_")}.bin`;

/**
 * A cache in `dir` (created on first write).
 *
 * @param dir The folder.
 * @returns The cache.
 */
export function dirReferenceCache(dir: string): ReferenceCache {
  return {
    read: async (key) => {
      try {
        return await Deno.readFile(fileOf(dir, key));
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return null;
        throw error;
      }
    },
    write: async (key, bytes) => {
      await Deno.mkdir(dir, { recursive: true });
      // Written whole under a temporary name, then renamed: a reader never sees half a file.
      const tmp = `${fileOf(dir, key)}.${crypto.randomUUID()}.tmp`;
      await Deno.writeFile(tmp, bytes);
      await Deno.rename(tmp, fileOf(dir, key));
    },
  };
}
