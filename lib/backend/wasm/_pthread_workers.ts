/**
 * Lets tfjs's threaded-simd wasm build start its pthread workers under Deno.
 *
 * Deno gives npm code a Node-like `process`, so the emscripten glue in tfjs-backend-wasm takes
 * its Node path and starts each pthread with `new (require("worker_threads").Worker)(url)`,
 * where `url` is a `blob:` URL. Deno's `node:worker_threads` only accepts `file:` and `data:`
 * URLs (ERR_WORKER_PATH), and the worker script expects `require`, `importScripts` and
 * `fs.readFileSync` of `blob:` URLs. So, only while the backend initialises, this module
 * replaces the global `Worker` with an adapter that starts a Deno `node:worker_threads`
 * worker from a `data:` URL (so `unref()` works and an idle pool does not keep the process
 * alive) running {@linkcode pthreadWorkerMain}: it hides `process` so emscripten takes its
 * web-worker path, and provides a synchronous `importScripts` for the two scripts emscripten
 * loads, fetched (asynchronously, before they are needed) from their `blob:` URLs.
 *
 * @module
 */
import os from "node:os";
import { Worker as NodeWorker } from "node:worker_threads";

/** Most threads tfjs's pthread pool can serve (its build pre-creates 8 workers). */
export const MAX_WASM_THREADS = 8;

/** First message to a worker: where the emscripten pthread script lives. */
interface ScriptMessage {
  pthreadScript: string;
}

/**
 * The body of each pthread worker. It runs from its source text (`toString()`), so it must
 * not refer to anything outside itself.
 */
function pthreadWorkerMain(): void {
  const scope = globalThis as unknown as Record<string, unknown>;
  // With `process` present, emscripten would take its Node path (require, fs, worker_threads).
  delete scope.process;
  scope.self = scope;
  const scripts = new Map<string, string>();
  // emscripten calls importScripts synchronously, so every script is fetched beforehand.
  scope.importScripts = (url: string): void => {
    const source = scripts.get(url);
    if (source === undefined) throw new Error(`pthread worker: script ${url} was not fetched`);
    (0, eval)(source); // global scope: the scripts share top-level `var`s
  };
  const fetchText = async (url: string): Promise<string> => (await fetch(url)).text();
  let emscriptenHandler: ((event: MessageEvent) => void) | undefined;
  let queue: Promise<void> = Promise.resolve();
  const handle = async (event: MessageEvent): Promise<void> => {
    const data = event.data;
    if (data && typeof data.pthreadScript === "string") {
      (0, eval)(await fetchText(data.pthreadScript));
      emscriptenHandler = scope.onmessage as (event: MessageEvent) => void;
      scope.onmessage = receive;
      return;
    }
    if (data && data.cmd === "load" && typeof data.urlOrBlob === "string") {
      if (!scripts.has(data.urlOrBlob)) {
        scripts.set(data.urlOrBlob, await fetchText(data.urlOrBlob));
      }
    }
    emscriptenHandler?.(event);
  };
  // Messages are handled in order even though fetching a script is asynchronous.
  const receive = (event: MessageEvent): void => {
    queue = queue.then(() => handle(event));
  };
  scope.onmessage = receive;
}

const WORKER_SOURCE = `(${pthreadWorkerMain.toString()})();`;
const blobUrls = new WeakMap<Blob, string>();

function urlOfBlob(blob: Blob): string {
  let url = blobUrls.get(blob);
  if (url === undefined) {
    url = URL.createObjectURL(blob);
    blobUrls.set(blob, url);
  }
  return url;
}

/** A pthread worker as emscripten's Node path uses it. */
type EmscriptenWorker = NodeWorker;
type Transfer = Parameters<NodeWorker["postMessage"]>[1];

/**
 * Stands in for `worker_threads.Worker` while the backend initialises; `new` returns the
 * node worker itself, with `postMessage` turning the main-script `Blob` (which Deno cannot
 * clone) into a `blob:` URL and `ref()` disabled, so pthreads never keep the process alive:
 * the main thread waits for them synchronously, not through the event loop.
 */
function PthreadWorker(pthreadScript: string): EmscriptenWorker {
  const worker: EmscriptenWorker = new NodeWorker(WORKER_SOURCE, { eval: true });
  const post = worker.postMessage.bind(worker);
  worker.postMessage = (message: unknown, transfer?: Transfer) => {
    const data = message as { cmd?: string; urlOrBlob?: unknown };
    if (data?.cmd === "load" && data.urlOrBlob instanceof Blob) {
      message = { ...data, urlOrBlob: urlOfBlob(data.urlOrBlob) };
    }
    post(message, transfer);
  };
  worker.ref = () => {};
  post({ pthreadScript } satisfies ScriptMessage);
  return worker;
}

/**
 * Runs `init` (which must initialise the threaded-simd wasm backend) with the global
 * `Worker` replaced by the pthread adapter and `os.cpus()` reporting `2 × threads` CPUs:
 * tfjs caps its pool at half the logical CPUs (it assumes two hyper-threads per core), which
 * would leave a 2-CPU machine with one thread. Both are restored before this returns.
 *
 * @param threads Threads for tfjs's XNNPACK pool, 2 to {@linkcode MAX_WASM_THREADS}.
 * @param init Starts the backend.
 * @returns What `init` returns.
 */
export async function withPthreadWorkers<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const workerDescriptor = Object.getOwnPropertyDescriptor(globalThis, "Worker");
  const mutableOs = os as { cpus: typeof os.cpus };
  const cpus = mutableOs.cpus;
  Object.defineProperty(globalThis, "Worker", {
    configurable: true,
    get: () => PthreadWorker,
    set: () => {}, // emscripten assigns worker_threads.Worker here; keep the adapter
  });
  // Only the length is read; the real os.cpus() would need --allow-sys.
  const fakeCpu = {} as ReturnType<typeof os.cpus>[number];
  mutableOs.cpus = () => Array.from({ length: 2 * threads }, () => fakeCpu);
  try {
    return await init();
  } finally {
    if (workerDescriptor) Object.defineProperty(globalThis, "Worker", workerDescriptor);
    mutableOs.cpus = cpus;
  }
}
