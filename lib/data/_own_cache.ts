/**
 * Our own folder of verified MNIST copies (`data/cache/mnist`): the only place the data code
 * writes. Writes are atomic; a writer killed part-way leaves `*.tmp` files that the next run
 * removes. Nothing here ever asks for a permission the task was not given (a prompt in the
 * middle of a task would stall it).
 *
 * @module
 */
import { atomicWrite, removeOrphanTemps } from "../fs/atomic_write.ts";
import type { DataEvent, FetchedMnistFile } from "./fetch_mnist.ts";

/** Whether the task was granted `name` access to `path` (asking nothing). */
export function granted(name: "read" | "write", path: string): boolean {
  return Deno.permissions.querySync({ name, path }).state === "granted";
}

/** Removes what a writer killed part-way left in the cache, when the task may write there. */
export async function cleanCache(cacheDir: string): Promise<void> {
  if (granted("write", cacheDir)) await removeOrphanTemps(cacheDir).catch(() => {});
}

/** Writes a verified file into the cache; a failure is reported as an event, not thrown. */
export async function writeCache(
  path: string,
  file: FetchedMnistFile,
  emit: (event: DataEvent) => void,
): Promise<void> {
  try {
    await atomicWrite(path, file.bytes);
    emit({ kind: "cached", file: file.name, path });
  } catch (error) {
    // A read-only or permission-less cache only costs speed next time; loading goes on.
    const reason = error instanceof Error ? error.message : String(error);
    emit({ kind: "cache-failed", file: file.name, path, reason });
  }
}
