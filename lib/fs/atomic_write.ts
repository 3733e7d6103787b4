/**
 * Writes a file so that readers see either the old content or the new, never half of it:
 * the bytes go to a temporary file in the same folder, which is then renamed over the target.
 *
 * The writer holds an exclusive `flock` on its temporary file until the rename, and the kernel
 * drops it when the process dies (SIGKILL included), so {@linkcode removeOrphanTemps} can tell
 * a killed writer's leftovers from a live writer's file without asking about pids (which would
 * need `--allow-run`).
 *
 * Requires `--allow-write` for the target's folder.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { checkWriteTarget } from "./write_guard.ts";

/** `<name>.<8 hex>.tmp`: the temporary files {@linkcode atomicWrite} creates. */
const TEMP_NAME = /^.+\.[0-9a-f]{8}\.tmp$/;
/** A temporary file younger than this may be one whose writer has not locked it yet. */
const ORPHAN_MIN_AGE_MS = 2_000;

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
}

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
  const file = await Deno.open(tmp, { write: true, createNew: true });
  try {
    await file.lock(true);
    await writeAll(file, bytes);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  } finally {
    file.close();
  }
}

/**
 * Removes the temporary files of {@linkcode atomicWrite} in `dir` whose writer is gone
 * (killed part-way): those no live process holds locked.
 *
 * @param dir The folder.
 * @returns The names removed.
 *
 * @example
 * ```ts
 * import { removeOrphanTemps } from "./atomic_write.ts";
 * const removed = await removeOrphanTemps(await Deno.makeTempDir());
 * if (removed.length !== 0) throw new Error();
 * ```
 */
export async function removeOrphanTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isFile || !TEMP_NAME.test(entry.name)) continue;
    const path = join(dir, entry.name);
    let file: Deno.FsFile | undefined;
    try {
      const { mtime } = await Deno.stat(path);
      if (mtime && Date.now() - mtime.getTime() < ORPHAN_MIN_AGE_MS) continue;
      file = await Deno.open(path, { read: true, write: true });
      if (!await file.tryLock(true)) continue; // a live writer
      await Deno.remove(path);
      removed.push(entry.name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    } finally {
      file?.close();
    }
  }
  return removed;
}
