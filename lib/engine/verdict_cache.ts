/**
 * Where engine verdicts are kept between runs: an interface, so the self-check's verdict is
 * cached in a file under Deno (`fileVerdictCache`, the default of `engineVerdict`'s
 * `verdictFile`) and in `localStorage` in a browser (`lib/web/local_storage_cache.ts`).
 * A store that cannot read or write behaves as empty: a missing verdict only means the
 * check runs again.
 *
 * @module
 */
/** A verdict as cached and as `deno task devices` shows it. */
export interface EngineVerdict {
  /** The cache key: adapter identity and package version. */
  key: string;
  /** Adapter description, for people. */
  adapter: string;
  /** True when the engine matched the tfjs path. */
  ok: boolean;
  /** Worst relative difference measured (when the check ran to completion). */
  maxRelativeError?: number;
  /** Why the engine is not used here (when `ok` is false). */
  reason?: string;
  /** ISO time of the check. */
  checkedAt: string;
  /** True when read from the cache file rather than measured now. */
  cached: boolean;
}

/** A verdict as stored (without `cached`, which says where a returned one came from). */
export type StoredVerdict = Omit<EngineVerdict, "cached">;

/** A store of verdicts by key. */
export interface VerdictCache {
  /** Every stored verdict by key; `{}` when there are none or the store is unreadable. */
  read(): Promise<Record<string, StoredVerdict>>;
  /** Stores `verdict` under `key`, keeping the others; never throws. */
  write(key: string, verdict: StoredVerdict): Promise<void>;
}
