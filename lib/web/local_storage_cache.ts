/**
 * The engine verdict cache in a browser: one `localStorage` entry holding the verdicts as
 * JSON, so a page runs the WebGPU self-check once per plan and adapter, not on every load.
 * Storage that is missing, full or disabled (private windows) reads as empty and ignores
 * writes: the check only runs again.
 *
 * @module
 */
import type { StoredVerdict, VerdictCache } from "../engine/verdict_cache.ts";

/** The `localStorage` key the verdicts are kept under. */
export const VERDICT_STORAGE_KEY = "mnist-cnn.engine-verdicts";

/** What the cache needs of a `Storage`. */
export type VerdictStorage = Pick<Storage, "getItem" | "setItem">;

/** The page's `localStorage`, or null where reading it throws (sandboxed frames, no cookies). */
function pageStorage(): VerdictStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function readAll(storage: VerdictStorage | null, key: string): Record<string, StoredVerdict> {
  try {
    const value = JSON.parse(storage?.getItem(key) ?? "{}");
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

/**
 * A verdict cache in `localStorage` (or another `Storage`).
 *
 * @param storage The storage; null: none (nothing is kept). @default {globalThis.localStorage}
 * @param key The entry's key. @default {VERDICT_STORAGE_KEY}
 * @returns The cache.
 * @example
 * ```ts
 * import { localStorageVerdictCache } from "./local_storage_cache.ts";
 * import assert from "node:assert/strict";
 *
 * const cache = localStorageVerdictCache(sessionStorage, "doc-example");
 * const verdict = { key: "k", adapter: "a", ok: true, checkedAt: "2026-12-05T00:00:00Z" };
 * await cache.write("k", verdict);
 * assert.deepEqual((await cache.read()).k, verdict);
 * ```
 */
export function localStorageVerdictCache(
  storage: VerdictStorage | null = pageStorage(),
  key: string = VERDICT_STORAGE_KEY,
): VerdictCache {
  return {
    read: () => Promise.resolve(readAll(storage, key)),
    write(name, verdict) {
      try {
        storage?.setItem(key, JSON.stringify({ ...readAll(storage, key), [name]: verdict }));
      } catch {
        // Full or disabled storage: the verdict is simply not kept.
      }
      return Promise.resolve();
    },
  };
}
