/**
 * Mirrors of the official `.gz` files as a data source, downloaded within a header time
 * limit, a total time limit and a size cap, and stopped by the caller's signal.
 *
 * @module
 */
import { readStreamCapped, TooLargeError } from "../fs/read_capped.ts";
import { type DataSource, GZIP_SLACK } from "./_sources.ts";

/** How long to wait for a mirror's response headers. */
const HEADERS_TIMEOUT_MS = 30_000;
/** How long a whole download may take (the largest file is 9.9 MB). */
const DOWNLOAD_TIMEOUT_MS = 300_000;

/** Limits of a mirror download. */
export interface MirrorOptions {
  /** The whole download's time limit. @default {300_000} */
  timeoutMs?: number;
  /** Aborts the download (Ctrl-C); its reason is rethrown as is. */
  signal?: AbortSignal;
}

/**
 * A mirror of the official `.gz` files: `<base>/<name>.gz`, downloaded within a total time
 * limit and a size cap (the raw size: gzip of MNIST is far smaller).
 */
export function mirrorSource(
  base: string,
  fetchFn: typeof fetch,
  options: MirrorOptions = {},
): DataSource {
  const root = base.endsWith("/") ? base : `${base}/`;
  const timeoutMs = options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
  return {
    label: root,
    isCache: false,
    async read(file) {
      const url = new URL(`${file.name}.gz`, root);
      const headers = new AbortController();
      const timer = setTimeout(() => headers.abort(), Math.min(HEADERS_TIMEOUT_MS, timeoutMs));
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = AbortSignal.any(
        [headers.signal, deadline, ...(options.signal ? [options.signal] : [])],
      );
      const failed = (error: unknown): Error => {
        if (options.signal?.aborted) return options.signal.reason;
        if (deadline.aborted) return new Error(`not downloaded in ${timeoutMs / 1000} s`);
        if (headers.signal.aborted) {
          return new Error(`no response in ${HEADERS_TIMEOUT_MS / 1000} s`);
        }
        if (error instanceof TooLargeError) return new Error(`${error.message} (not MNIST)`);
        return new Error(fetchReason(error), { cause: error });
      };
      let response: Response;
      try {
        response = await fetchFn(url, { signal });
      } catch (error) {
        throw failed(error);
      } finally {
        clearTimeout(timer);
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`.trimEnd());
      }
      try {
        return await readStreamCapped(response.body, file.bytes + GZIP_SLACK, "the download");
      } catch (error) {
        throw failed(error);
      }
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
