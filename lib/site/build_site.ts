/**
 * `deno task build-web`: the browser app as a static site — the page (bundled and minified),
 * the four MNIST files (the bytes the Deno loader verified, at `mnist/<name>` as the server
 * serves them), an empty model list (`models/index.json`: a static site has no saved models, and
 * the page then finds an empty list rather than a 404) and a `_headers` file with the two
 * cross-origin isolation headers for hosts that read one. The site is written into a fresh folder beside the target and swapped in by
 * renames (`replaceDir`), so a failed or interrupted build leaves the previous site whole.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fetchMnist } from "../data/fetch_mnist.ts";
import { MNIST_FILE_KEYS } from "../data/checksums.ts";
import { defaultTrainConfig } from "../defaults.ts";
import { replaceDir } from "../fs/replace_dir.ts";
import { pageFiles } from "./page_files.ts";
import { ISOLATION_HEADERS } from "./site_handler.ts";

/** Options of {@linkcode buildSite}. */
export interface BuildSiteOptions {
  /** The site's folder, replaced as a whole. */
  outDir: string;
  /** MNIST folder read first. @default {"data/mnist"} */
  dataDir?: string;
  /** Stops between MNIST files. */
  signal?: AbortSignal;
}

/** What was written. */
export interface BuiltSite {
  /** Path (relative to the site) → bytes written. */
  files: Record<string, number>;
}

/**
 * Builds the site.
 *
 * Requires `--allow-run=deno`, `--allow-read` for `web/`, the data folders and `node_modules`,
 * and `--allow-read` and `--allow-write` for the site folder's parent.
 *
 * @param options Where to write and read.
 * @returns The files and their sizes.
 * @throws {DatasetError} when a file of MNIST has no good copy (nothing is written).
 */
export async function buildSite(options: BuildSiteOptions): Promise<BuiltSite> {
  const page = await pageFiles({ minify: true });
  const mnist = await fetchMnist({
    dataDir: options.dataDir ?? defaultTrainConfig().dataDir,
    mirrors: [],
    cache: false,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const headers = `/*\n${
    Object.entries(ISOLATION_HEADERS).map(([k, v]) => `  ${k}: ${v}\n`).join("")
  }`;
  const files: Record<string, Uint8Array> = {
    ...page,
    "_headers": new TextEncoder().encode(headers),
    "models/index.json": new TextEncoder().encode("[]\n"),
  };
  for (const key of MNIST_FILE_KEYS) files[`mnist/${mnist[key].name}`] = mnist[key].bytes;
  const previous: string[] = [];
  try {
    for await (const entry of Deno.readDir(options.outDir)) previous.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await replaceDir(options.outDir, files, {
    replaces: previous, // the old site goes whole: nothing of it is carried over
    writeFile: async (path, data) => {
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeFile(path, data);
    },
  });
  return {
    files: Object.fromEntries(Object.entries(files).map(([name, b]) => [join(name), b.length])),
  };
}
