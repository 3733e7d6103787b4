/**
 * One writer per model folder: a lock file beside the folder (`.<name>.lock`) recording the
 * owner's pid, start time and a random token, so a second training run into the same folder
 * stops with a clear message instead of interleaving its checkpoints with the first one's.
 *
 * The holder touches the lock every 10 s; a lock untouched for 60 s is stale (its process was
 * killed or stopped) and is taken over, as is a lock dated in the future (a clock that was
 * wrong), with a note. Deno cannot ask whether a pid is alive without `--allow-run`, hence the
 * heartbeat. Because a stopped process (SIGSTOP, a suspended laptop) can wake up after its lock
 * was taken, a save checks the token again just before it commits ({@linkcode assertLockHeld})
 * and refuses rather than overwrite the other run's work.
 *
 * The lock is written whole: its content goes to a temporary file that is hard-linked into
 * place, so a full disk never leaves an empty lock that blocks the next run for 60 s.
 *
 * Requires `--allow-read` and `--allow-write` for the folder's parent.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { ModelFileError } from "../errors.ts";
import { checkWriteTarget } from "../fs/write_guard.ts";
import { type FileWriter, recoverDir } from "../fs/replace_dir.ts";
import { readLock } from "./_lock_file.ts";
import { removeLockLeftovers, takeLockFile } from "./_lock_take.ts";

/** A held lock. */
export interface ModelDirLock {
  /** The lock file's path. */
  readonly path: string;
  /** Releases the lock (idempotent; a lock another run took over is left alone). */
  release(): Promise<void>;
}

/** Options of {@linkcode lockModelDir}. */
export interface LockOptions {
  /** Receives a line when a stale or future-dated lock is taken over. */
  onNote?: (line: string) => void;
  /** Writes the lock's content; tests inject a full disk. @default {Deno.writeFile} */
  writeFile?: FileWriter;
}

const HEARTBEAT_MS = 10_000;
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

/**
 * Checks, just before a save commits, that the lock of `dir` is still this process's.
 *
 * @throws {ModelFileError} when another run took the lock over (this process was stopped for
 * longer than the lock's 60 s staleness) or removed it.
 */
export async function assertLockHeld(dir: string): Promise<void> {
  const mine = held.get(resolve(dir));
  if (!mine) return;
  const now = await readLock(mine.path);
  if (now?.token === mine.token) return;
  const who = now?.pid === undefined ? "" : ` (process ${now.pid}, since ${now.started})`;
  throw new ModelFileError(
    `Not saving to ${dir}: its lock was taken by another run while this one held it${who}; ` +
      "this run was probably stopped for over 60 s. The other run's save is kept",
  );
}

function removeHeldSync(): void {
  for (const { path, token } of held.values()) {
    try {
      // Only our own lock: another run may have taken the folder over.
      if (JSON.parse(Deno.readTextFileSync(path)).token === token) Deno.removeSync(path);
    } catch { /* already gone */ }
  }
  held.clear();
}
let unloadListening = false;

/**
 * Takes the writer lock of a model folder (the folder need not exist yet). Hold it for a
 * whole training run; {@linkcode saveModel} takes it by itself for a single save.
 *
 * @param dir The model folder.
 * @param options Where notes go, and the writer of the lock's content.
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
export async function lockModelDir(dir: string, options: LockOptions = {}): Promise<ModelDirLock> {
  const key = resolve(dir);
  const path = lockPath(dir);
  if (held.has(key)) throw new ModelFileError(`${dir} is already locked by this process`);
  await checkWriteTarget(path);
  await Deno.mkdir(dirname(path), { recursive: true });
  const token = crypto.randomUUID();
  const content = JSON.stringify({ pid: Deno.pid, token, started: new Date().toISOString() });
  const write = options.writeFile ?? ((p, data) => Deno.writeFile(p, data));
  await takeLockFile(dir, path, content, write, options.onNote);
  held.set(key, { path, token });
  if (!unloadListening) {
    // Deno.exit (e.g. a second Ctrl-C) skips `finally` blocks but dispatches `unload`.
    globalThis.addEventListener("unload", removeHeldSync);
    unloadListening = true;
  }
  const heartbeat = setInterval(async () => {
    // Touch only our own lock: after a takeover it is the other run's to keep fresh.
    if ((await readLock(path))?.token !== token) return clearInterval(heartbeat);
    const now = new Date();
    await Deno.utime(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  // The heartbeat must not keep a finished task alive.
  Deno.unrefTimer(heartbeat);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    held.delete(key);
    // Only our own lock: a stale takeover by another process must not be undone.
    if ((await readLock(path))?.token === token) await Deno.remove(path).catch(() => {});
  };
  try {
    // A save killed between its two renames left the previous contents beside the folder.
    await recoverDir(dir);
    await removeLockLeftovers(path);
  } catch (error) {
    await release();
    throw error;
  }
  return { path, release };
}
