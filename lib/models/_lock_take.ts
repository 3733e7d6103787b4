/**
 * Taking a model folder's lock file on disk, for `model_lock.ts`: an exclusive create that
 * never leaves a half-written lock (a temporary file hard-linked into place), the takeover of a
 * stale lock that gives it back when another process took it over first, and the removal of
 * what a process killed half-way through either left beside the lock.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { ModelFileError } from "../errors.ts";
import type { FileWriter } from "../fs/replace_dir.ts";
import { readLock, STALE_MS, staleness } from "./_lock_file.ts";

/**
 * Creates the lock file `path` of `dir` with `content`, taking a stale lock over (up to three
 * times, each with a note to `onNote` unless it was silent).
 *
 * @throws {ModelFileError} when a live process holds it (the message names the holder and the
 *   lock file to delete if that process is gone).
 */
export async function takeLockFile(
  dir: string,
  path: string,
  content: string,
  write: FileWriter,
  onNote?: (line: string) => void,
): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      return await createLock(path, content, write);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      const holder = await readLock(path);
      const stale = attempt < 3 ? await staleness(path, holder) : undefined;
      // Gone since our create (its holder released it): create again. Renaming whatever lock
      // is there by now would hide a live holder's lock until it is linked back, and that
      // holder's pre-commit check would then refuse its own save (seen in the two-writer test
      // of tests/models/checkpoint_test.ts, once in a CI run).
      if (stale === "") continue;
      if (stale !== undefined && await takeOver(path, holder?.token)) {
        if (stale) onNote?.(stale);
        continue;
      }
      const who = holder?.pid === undefined
        ? "another process"
        : `process ${holder.pid}, since ${holder.started}`;
      throw new ModelFileError(
        `${dir} is being written by ${who}; wait for it to finish, ` +
          `or delete ${path} if that process is gone`,
      );
    }
  }
}

/** Writes `content` to `path` only if no lock is there, and only whole. */
async function createLock(path: string, content: string, write: FileWriter): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await write(tmp, new TextEncoder().encode(content));
    await Deno.link(tmp, path); // fails with AlreadyExists: an exclusive, complete create
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/** Removes what a process killed while taking or taking over this lock left beside it. */
export async function removeLockLeftovers(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  for await (const entry of Deno.readDir(dirname(path))) {
    if (!entry.name.startsWith(prefix) || !/\.(tmp|stale)$/.test(entry.name)) continue;
    const leftover = join(dirname(path), entry.name);
    const { mtime } = await Deno.stat(leftover).catch(() => ({ mtime: null }));
    // Young ones may be another process's, between its write and its link.
    if (mtime && Date.now() - mtime.getTime() > STALE_MS) {
      await Deno.remove(leftover).catch(() => {});
    }
  }
}

/** Takes a stale lock away, unless another process replaced it in the meantime. */
async function takeOver(path: string, stale: string | undefined): Promise<boolean> {
  const aside = `${path}.${crypto.randomUUID().slice(0, 8)}.stale`;
  try {
    await Deno.rename(path, aside);
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
  const moved = await readLock(aside);
  // Another process took it over between our look and our rename: give it back.
  if (moved?.token !== stale) await Deno.link(aside, path).catch(() => {});
  await Deno.remove(aside).catch(() => {});
  return moved?.token === stale;
}
