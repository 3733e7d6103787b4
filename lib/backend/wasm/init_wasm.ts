/**
 * Initialises tfjs's `wasm` backend from the `.wasm` files of the npm package, without
 * network access, and picks its flavour: `threaded-simd` (XNNPACK on a pool of pthread
 * workers) when more than one thread is wanted, else `simd`, else `plain`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import { BackendUnavailableError } from "../../errors.ts";
import { THREADS_ENV, wasmThreadsFromEnv } from "./threads_env.ts";
import { MAX_WASM_THREADS, withPthreadWorkers } from "./_pthread_workers.ts";

/** Which wasm build is running, and on how many threads. */
export interface WasmInfo {
  /** `threaded-simd` (SIMD + pthread pool), `simd` (one thread), or `plain` (no SIMD). */
  flavour: "simd" | "threaded-simd" | "plain";
  /** Threads XNNPACK uses (1 unless threaded). */
  threads: number;
}

/** Options for {@linkcode initWasmBackend}. */
export interface InitWasmOptions {
  /**
   * Threads for XNNPACK, 1 to 8; more than 1 selects the threaded-simd build, 1 the
   * single-threaded simd build. Only the first call's value counts.
   * @default `MNIST_WASM_THREADS` when `--allow-env` grants it, else
   * `navigator.hardwareConcurrency` (at most 8)
   */
  threads?: number;
}

const PACKAGE = "@tensorflow/tfjs-backend-wasm";
export { THREADS_ENV };
let pending: Promise<WasmInfo> | undefined;
let info: WasmInfo | undefined;

/**
 * The folder (as a `file:` URL ending in `/`) holding the package's `.wasm` files.
 *
 * @throws {BackendUnavailableError} when the package does not resolve to a local file.
 */
export function wasmDistUrl(): string {
  let resolved: string;
  try {
    resolved = import.meta.resolve(PACKAGE);
  } catch (cause) {
    throw new BackendUnavailableError(`Cannot resolve ${PACKAGE}`, { cause });
  }
  if (!resolved.startsWith("file:")) {
    throw new BackendUnavailableError(
      `${PACKAGE} resolved to ${resolved}, not a local file: set "nodeModulesDir": "auto" ` +
        `in deno.json so its .wasm files are on disk`,
    );
  }
  return new URL("./", resolved).href;
}

/** The active wasm flavour once {@linkcode initWasmBackend} has succeeded, else undefined. */
export function getWasmInfo(): WasmInfo | undefined {
  return info;
}

/**
 * Initialises the `wasm` backend (without making it the active backend) and returns its
 * flavour. Idempotent: later calls return the first call's result. Requires read access to
 * the package's `dist/` folder (`--allow-read=node_modules`), nothing else.
 *
 * @param options Thread count.
 * @returns The flavour and thread count.
 * @throws {BackendUnavailableError} when the files cannot be found or read, or the module
 * fails to start.
 * @throws {RangeError} for a thread count that is not an integer from 1 to 8.
 *
 * @example Initialise and report the flavour
 * ```ts ignore
 * const { flavour, threads } = await initWasmBackend();
 * console.log(`wasm ${flavour} on ${threads} thread(s)`);
 * ```
 */
export function initWasmBackend(options: InitWasmOptions = {}): Promise<WasmInfo> {
  pending ??= start(options).then((result) => (info = result)).catch((error) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function start(options: InitWasmOptions): Promise<WasmInfo> {
  const dist = wasmDistUrl();
  const distPath = decodeURIComponent(new URL(dist).pathname);
  const read = await Deno.permissions.query({ name: "read", path: distPath });
  // Checked up front: without it emscripten aborts with a long trace instead of an error.
  if (read.state !== "granted") {
    throw new BackendUnavailableError(`The wasm backend needs --allow-read=${distPath}`);
  }
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT") as boolean;
  const wanted = options.threads ?? defaultThreads();
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_WASM_THREADS) {
    throw new RangeError(`Wasm threads must be an integer 1 to ${MAX_WASM_THREADS}, got ${wanted}`);
  }
  const threaded = simd && wanted > 1 && typeof SharedArrayBuffer === "function";
  tfwasm.setWasmPaths(dist);
  // tfjs turns threads off whenever it sees Node (Deno looks like Node to npm code).
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", threaded);
  tfwasm.setThreadsCount(threaded ? wanted : 1);
  const ok = threaded
    ? await withPthreadWorkers(wanted, initializeWithoutActivating)
    : await initializeWithoutActivating();
  if (!ok) {
    throw new BackendUnavailableError(
      `The wasm backend failed to start from ${dist} (is it readable? --allow-read=${distPath})`,
    );
  }
  const flavour = threaded ? "threaded-simd" : simd ? "simd" : "plain";
  return { flavour, threads: tfwasm.getThreadsCount() };
}

function defaultThreads(): number {
  return wasmThreadsFromEnv() ?? Math.min(MAX_WASM_THREADS, navigator.hardwareConcurrency ?? 1);
}

/** tfjs's engine, which can create a backend without switching to it. */
interface EngineInternals {
  registry: Record<string, tf.KernelBackend | undefined>;
  initializeBackend(name: string): { success: boolean | Promise<boolean> };
}

async function initializeWithoutActivating(): Promise<boolean> {
  const engine = tf.engine() as unknown as EngineInternals;
  // Not tf.findBackend(): it starts an initialisation of its own when there is none.
  if (engine.registry.wasm) return true;
  try {
    return await engine.initializeBackend("wasm").success;
  } catch {
    return false;
  }
}
