/**
 * MNIST in a browser: the four IDX files fetched from URLs (raw or `.gz`), inflated no
 * further than each file's known size, and verified by size and SHA-256 exactly as the Deno
 * loader verifies them (`verifyMnistFile`, `toSplit`), so a page trains on the same bytes.
 * One file at a time: the 47 MB training images are hashed while nothing else is held.
 *
 * @module
 */
import { DatasetError } from "../errors.ts";
import {
  MNIST_FILE_KEYS,
  MNIST_FILES,
  type MnistFileKey,
  type MnistFileTable,
  verifyMnistFile,
} from "../data/checksums.ts";
import { gunzipIfNeeded } from "../data/gunzip.ts";
import { readStreamCapped } from "../fs/byte_size.ts";
import { toSplit } from "../data/mnist_split.ts";
import type { MnistData } from "../data/types.ts";

/** Options of {@linkcode loadMnistFromUrls}. */
export interface LoadMnistUrlsOptions {
  /** Where each file is; see {@linkcode mnistUrls}. */
  urls: Record<MnistFileKey, string | URL>;
  /** Expected files (names, dims, sizes, SHA-256). @default {MNIST_FILES} */
  files?: MnistFileTable;
  /** The fetch to use. @default {globalThis.fetch} */
  fetch?: typeof fetch;
  /** Called after each file is verified (for a progress line). */
  onFile?: (file: { name: string; bytes: number; done: number; of: number }) => void;
  /** Aborts the downloads. */
  signal?: AbortSignal;
}

/**
 * The URLs of the four files under one base: `<base>/<name><suffix>`, e.g. suffix `.gz`
 * for the official mirrors' layout, none for the raw files `deno task data` caches.
 *
 * @param base A base URL (a trailing slash is added when missing).
 * @param suffix Appended to each file name.
 * @param files The file table. @default {MNIST_FILES}
 * @returns One URL per file.
 * @example
 * ```ts
 * import { mnistUrls } from "./load_mnist_urls.ts";
 * import assert from "node:assert/strict";
 * const urls = mnistUrls("https://example.com/mnist", ".gz");
 * assert.equal(String(urls.testLabels), "https://example.com/mnist/t10k-labels-idx1-ubyte.gz");
 * ```
 */
export function mnistUrls(
  base: string | URL,
  suffix = "",
  files: MnistFileTable = MNIST_FILES,
): Record<MnistFileKey, URL> {
  const root = String(base).endsWith("/") ? String(base) : `${base}/`;
  const entries = MNIST_FILE_KEYS.map((key) => [key, new URL(files[key].name + suffix, root)]);
  return Object.fromEntries(entries) as Record<MnistFileKey, URL>;
}

/**
 * A file's bytes, read no further than `maxBytes` (a server sending more is refused before it
 * costs more memory than a real file).
 */
async function fetchBytes(
  url: string | URL,
  maxBytes: number,
  fetchFn: typeof fetch,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const response = await fetchFn(url, signal ? { signal } : {});
  if (!response.ok) throw new DatasetError(`HTTP ${response.status}`);
  return response.body
    ? await readStreamCapped(response.body, maxBytes, String(url))
    : new Uint8Array(0);
}

/**
 * Fetches, verifies and parses MNIST.
 *
 * @param options The URLs, expected files, fetch and progress callback.
 * @returns Train and test splits, the source and each file's SHA-256.
 * @throws {DatasetError} for a failed request, bad gzip, a wrong size or hash, or a file
 *   that is not the IDX it should be (one line naming the file).
 */
export async function loadMnistFromUrls(options: LoadMnistUrlsOptions): Promise<MnistData> {
  const table = options.files ?? MNIST_FILES;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const raw: Partial<Record<MnistFileKey, { name: string; bytes: Uint8Array }>> = {};
  const sha256: Record<string, string> = {};
  for (const [done, key] of MNIST_FILE_KEYS.entries()) {
    const spec = table[key];
    const url = options.urls[key];
    try {
      // Gzip of MNIST is smaller than the raw file; a raw file is exactly its size.
      const fetched = await fetchBytes(url, spec.bytes + 1024, fetchFn, options.signal);
      const bytes = await gunzipIfNeeded(fetched, spec.name, spec.bytes);
      sha256[spec.name] = await verifyMnistFile(spec, bytes);
      raw[key] = { name: spec.name, bytes };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const why = error instanceof Error ? error.message : String(error);
      throw new DatasetError(`${spec.name} from ${url}: ${why}`, { cause: error });
    }
    options.onFile?.({ name: spec.name, bytes: raw[key].bytes.length, done: done + 1, of: 4 });
  }
  const r = raw as Record<MnistFileKey, { name: string; bytes: Uint8Array }>;
  return {
    train: toSplit(r.trainImages, table.trainImages, r.trainLabels, table.trainLabels),
    test: toSplit(r.testImages, table.testImages, r.testLabels, table.testLabels),
    source: String(options.urls.trainImages).replace(/[^/]*$/, ""),
    sha256,
  };
}
