/**
 * Replaces a folder's files as a whole: the new files go into a fresh hidden folder beside
 * it, which is swapped in by renames, so a crash or a full disk part-way leaves the previous
 * contents complete. (Separate writes once left new weights beside the previous epoch's
 * metadata, and `--resume` silently trained that epoch again.)
 *
 * Requires `--allow-read` and `--allow-write` for the folder's parent.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { checkWriteTarget } from "./write_guard.ts";

/** Writes one file; injectable so tests can simulate a full disk. */
export type FileWriter = (path: string, data: Uint8Array) => Promise<void>;

/** Options of {@linkcode replaceDir}. */
export interface ReplaceDirOptions {
  /** Names of files that belong to the old contents and must not be carried over. */
  replaces?: readonly string[];
  /** Writes each new file. @default {Deno.writeFile} */
  writeFile?: FileWriter;
  /**
   * Called once every file is written, just before the swap; throwing cancels it (a writer
   * that lost its lock while it was stopped must not commit over another run's save).
   */
  beforeCommit?: () => Promise<void>;
}

function siblings(dir: string): { parent: string; prefix: string } {
  const absolute = resolve(dir);
  return { parent: dirname(absolute), prefix: `.${basename(absolute)}.` };
}

/**
 * Gives `dir` exactly the files in `files` (plus whatever else it held that is not listed in
 * `replaces`), all at once: readers see the old set or the new one.
 *
 * @param dir The folder (created if missing).
 * @param files File name → bytes.
 * @param options Names replaced and the writer.
 * @returns When the new contents are in place.
 * @throws whatever the writer or a rename throws; `dir` is then unchanged.
 *
 * @example
 * ```ts
 * import { replaceDir } from "./replace_dir.ts";
 * const dir = `${await Deno.makeTempDir()}/model`;
 * await replaceDir(dir, { "a.txt": new TextEncoder().encode("1") });
 * await replaceDir(dir, { "b.txt": new TextEncoder().encode("2") }, { replaces: ["a.txt"] });
 * if ([...Deno.readDirSync(dir)].map((e) => e.name).join() !== "b.txt") throw new Error();
 * ```
 */
export async function replaceDir(
  dir: string,
  files: Record<string, Uint8Array>,
  options: ReplaceDirOptions = {},
): Promise<void> {
  const target = resolve(dir);
  const { parent, prefix } = siblings(dir);
  const write = options.writeFile ?? ((path, data) => Deno.writeFile(path, data));
  await checkWriteTarget(target);
  const existing = await Deno.stat(target).catch(() => undefined);
  if (existing && !existing.isDirectory) {
    throw new Deno.errors.NotADirectory(`${dir} is a file, not a folder`);
  }
  await Deno.mkdir(parent, { recursive: true });
  const id = crypto.randomUUID().slice(0, 8);
  const fresh = join(parent, `${prefix}new-${id}`);
  const old = join(parent, `${prefix}old-${id}`);
  await Deno.mkdir(fresh);
  let moved = false;
  try {
    for (const [name, bytes] of Object.entries(files)) await write(join(fresh, name), bytes);
    await options.beforeCommit?.();
    try {
      await Deno.rename(target, old);
      moved = true;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    await Deno.rename(fresh, target);
  } catch (error) {
    if (moved) await Deno.rename(old, target).catch(() => {});
    await Deno.remove(fresh, { recursive: true }).catch(() => {});
    throw error;
  }
  if (!moved) return;
  const replaced = new Set([...Object.keys(files), ...(options.replaces ?? [])]);
  for await (const entry of Deno.readDir(old)) {
    // Anything of the user's in the folder (a note, a report) moves over to the new one.
    if (!replaced.has(entry.name)) {
      await Deno.rename(join(old, entry.name), join(target, entry.name)).catch(() => {});
    }
  }
  await Deno.remove(old, { recursive: true });
}

/**
 * Finishes what a process killed during {@linkcode replaceDir} left: puts the previous
 * contents back when the folder is missing, and removes half-written new folders. Call it
 * only while holding the folder's writer lock.
 *
 * @param dir The folder.
 * @returns Whether previous contents were restored.
 *
 * @example
 * ```ts
 * import { recoverDir } from "./replace_dir.ts";
 * await recoverDir(`${await Deno.makeTempDir()}/model`); // nothing to do: false
 * ```
 */
export async function recoverDir(dir: string): Promise<boolean> {
  const target = resolve(dir);
  const { parent, prefix } = siblings(dir);
  let exists = await Deno.stat(target).then(() => true, () => false);
  let restored = false;
  const leftovers: string[] = [];
  try {
    for await (const entry of Deno.readDir(parent)) {
      if (entry.name.startsWith(prefix)) leftovers.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  for (const name of leftovers.sort()) {
    const path = join(parent, name);
    if (name.startsWith(`${prefix}old-`) && !exists) {
      await Deno.rename(path, target);
      exists = restored = true;
    } else if (name.startsWith(`${prefix}new-`) || name.startsWith(`${prefix}old-`)) {
      await Deno.remove(path, { recursive: true });
    }
  }
  return restored;
}

/**
 * Where the previous contents of `dir` lie when a process was killed between the two renames
 * of {@linkcode replaceDir}: the set-aside folder, complete, while `dir` itself is missing.
 *
 * @param dir The folder.
 * @returns The set-aside folder's path, or `undefined` when `dir` exists or none was left.
 *
 * @example
 * ```ts
 * import { interruptedSwap } from "./replace_dir.ts";
 * if (await interruptedSwap(`${await Deno.makeTempDir()}/model`) !== undefined) throw new Error();
 * ```
 */
export async function interruptedSwap(dir: string): Promise<string | undefined> {
  const target = resolve(dir);
  if (await Deno.stat(target).then(() => true, () => false)) return undefined;
  const { parent, prefix } = siblings(dir);
  try {
    for await (const entry of Deno.readDir(parent)) {
      if (entry.isDirectory && entry.name.startsWith(`${prefix}old-`)) {
        return join(parent, entry.name);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return undefined;
}
