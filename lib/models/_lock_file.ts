/**
 * Reading a model folder's lock file and judging whether its holder is gone: untouched for
 * 60 s (the holder touches it every 10 s), or dated in the future, which no live holder's
 * heartbeat can produce (a clock set wrong once; such a lock would otherwise never go stale).
 *
 * @module
 */

/** What a lock file records. Fields are optional: a lock from an older version has fewer. */
export interface LockRecord {
  /** The holder's process id. */
  pid?: number;
  /** A random token only the holder knows. */
  token?: string;
  /** When the holder took the lock (ISO 8601). */
  started?: string;
}

/** A lock untouched this long is stale. */
export const STALE_MS = 60_000;
/** Clock differences tolerated before a lock counts as dated in the future. */
const FUTURE_SLACK_MS = 5_000;

/** Reads a lock file; `undefined` when it is missing or not a lock record. */
export async function readLock(path: string): Promise<LockRecord | undefined> {
  try {
    const value = JSON.parse(await Deno.readTextFile(path));
    return value !== null && typeof value === "object" ? value as LockRecord : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock at `path` may be taken over.
 *
 * @returns `undefined` while its holder keeps it fresh; otherwise the note to show when it is
 * taken over (empty when the file is already gone).
 */
export async function staleness(
  path: string,
  holder: LockRecord | undefined,
  now = Date.now(),
): Promise<string | undefined> {
  let mtime: number;
  try {
    mtime = (await Deno.stat(path)).mtime?.getTime() ?? now;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw error;
  }
  const of = holder?.pid === undefined ? "" : ` of process ${holder.pid}`;
  const started = Date.parse(holder?.started ?? "");
  const dated = Math.max(mtime, Number.isNaN(started) ? -Infinity : started);
  if (dated > now + FUTURE_SLACK_MS) {
    return `Note: the lock ${path}${of} is dated ${new Date(dated).toISOString()}, in the ` +
      "future; treated as stale and taken over";
  }
  if (now - mtime > STALE_MS) {
    return `Note: took over the lock ${path}${of}, untouched for ${
      Math.round((now - mtime) / 1000)
    } s (its process was stopped or killed)`;
  }
  return undefined;
}
