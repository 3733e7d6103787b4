/**
 * One writer per model folder: a lock file beside the folder (`.<name>.lock`), created
 * exclusively, so a second training run into the same folder stops with a clear message
 * instead of interleaving its checkpoints with the first one's.
 *
 * The holder touches the lock every 10 s; a lock untouched for 60 s is stale (its process
 * was killed) and is taken over. Deno cannot ask whether a pid is alive without
 * `--allow-run`, hence the heartbeat.
 *
 * Requires `--allow-read` and `--allow-write` for the folder's parent.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { ModelFileError } from "../errors.ts";
import { checkWriteTarget } from "../fs/write_guard.ts";
import { recoverDir } from "../fs/replace_dir.ts";

/** A held lock. */
export interface ModelDirLock {
  /** The lock file's path. */
  readonly path: string;
  /** Releases the lock (idempotent). */
  release(): Promise<void>;
}

const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;
/** Locks this process holds, by folder: saveModel uses them and exit paths remove them. */
const held = new Map<string, { path: string; token: string }>();

/** The lock file of a model folder: `.<name>.lock` beside it. */
export function lockPath(dir: string): string {
  const absolute = resolve(dir);
  return join(dirname(absolute), `.${basename(absolute)}.lock`);
}

/** Whether this process holds the lock of `dir`. */
export function holdsModelDirLock(dir: string): boolean {
  return held.has(resolve(dir));
}

function removeHeldSync(): void {
  for (const { path } of held.values()) {
    try {
      Deno.removeSync(path);
    } catch { /* already gone */ }
  }
  held.clear();
}
let unloadListening = false;

async function isStale(path: string): Promise<boolean> {
  try {
    const { mtime } = await Deno.stat(path);
    return mtime !== null && Date.now() - mtime.getTime() > STALE_MS;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
}

async function describeHolder(path: string): Promise<string> {
  try {
    const { pid, started } = JSON.parse(await Deno.readTextFile(path));
    return `process ${pid}, since ${started}`;
  } catch {
    return "another process";
  }
}

/**
 * Takes the writer lock of a model folder (the folder need not exist yet). Hold it for a
 * whole training run; {@linkcode saveModel} takes it by itself for a single save.
 *
 * @param dir The model folder.
 * @returns The lock; call `release()` when done (a `finally` block). Once held, a save that
 * was killed half-way is finished: the previous contents are put back.
 * @throws {ModelFileError} when another process holds it (the message names the holder and
 * the lock file to delete if that process is gone), or this process already does.
 *
 * @example
 * ```ts
 * import { lockModelDir } from "./model_lock.ts";
 * const dir = `${await Deno.makeTempDir()}/mlp`;
 * const lock = await lockModelDir(dir);
 * const second = await lockModelDir(dir).catch((e) => e);
 * if (!(second instanceof Error)) throw new Error("a second writer got the lock");
 * await lock.release();
 * ```
 */
export async function lockModelDir(dir: string): Promise<ModelDirLock> {
  const key = resolve(dir);
  const path = lockPath(dir);
  if (held.has(key)) throw new ModelFileError(`${dir} is already locked by this process`);
  await checkWriteTarget(path);
  await Deno.mkdir(dirname(path), { recursive: true });
  const token = crypto.randomUUID();
  const content = JSON.stringify({ pid: Deno.pid, token, started: new Date().toISOString() });
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.writeTextFile(path, content, { createNew: true });
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      if (attempt === 0 && await isStale(path)) {
        await Deno.remove(path).catch(() => {});
        continue;
      }
      throw new ModelFileError(
        `${dir} is being written by ${await describeHolder(path)}; wait for it to finish, ` +
          `or delete ${path} if that process is gone`,
      );
    }
  }
  held.set(key, { path, token });
  if (!unloadListening) {
    // Deno.exit (e.g. a second Ctrl-C) skips `finally` blocks but dispatches `unload`.
    globalThis.addEventListener("unload", removeHeldSync);
    unloadListening = true;
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    Deno.utime(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  // The heartbeat must not keep a finished task alive.
  Deno.unrefTimer(heartbeat);
  try {
    // A save killed between its two renames left the previous contents beside the folder.
    await recoverDir(dir);
  } catch (error) {
    held.delete(key);
    clearInterval(heartbeat);
    await Deno.remove(path).catch(() => {});
    throw error;
  }
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      held.delete(key);
      try {
        // Only our own lock: a stale takeover by another process must not be undone.
        if (JSON.parse(await Deno.readTextFile(path)).token === token) await Deno.remove(path);
      } catch { /* gone already, or replaced */ }
    },
  };
}
