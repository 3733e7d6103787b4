/**
 * The verdict cache as a JSON file (e.g. `data/engine-verdicts.json`), read and written only
 * where the permission is already granted (never a prompt mid-task), replaced atomically.
 *
 * @module
 */
import { atomicWrite } from "../fs/atomic_write.ts";
import { readFileCapped } from "../fs/read_capped.ts";
import type { StoredVerdict, VerdictCache } from "./verdict_cache.ts";

/** Whether `name` access to `path` is already granted (never prompts). */
function granted(name: "read" | "write", path: string): boolean {
  return Deno.permissions.querySync({ name, path }).state === "granted";
}

async function readFile(file: string): Promise<Record<string, StoredVerdict>> {
  if (!granted("read", file)) return {};
  try {
    return JSON.parse(new TextDecoder().decode(await readFileCapped(file, 1 << 20)));
  } catch {
    // A missing, unreadable, corrupt or oversized cache (or a FIFO, refused unopened) only
    // means the check runs again.
    return {};
  }
}

/**
 * A file-backed verdict cache.
 *
 * @param file The JSON file (its folder is created on the first write).
 * @returns The cache.
 */
export function fileVerdictCache(file: string): VerdictCache {
  return {
    read: () => readFile(file),
    async write(key, verdict) {
      if (!granted("write", file)) return;
      const all = await readFile(file);
      await atomicWrite(file, JSON.stringify({ ...all, [key]: verdict }, null, 2) + "\n")
        .catch(() => {});
    },
  };
}
