/**
 * `MNIST_WASM_THREADS`, read and checked in a module that loads no wasm code, so a task can
 * refuse a bad value before it selects a backend.
 *
 * @module
 */
import { UsageError } from "../../errors.ts";

/** Environment variable that sets the default thread count. */
export const THREADS_ENV = "MNIST_WASM_THREADS";
/** The most XNNPACK threads we start (equal to the pthread pool's size). */
const MAX_THREADS = 8;

/**
 * Reads `MNIST_WASM_THREADS` when `--allow-env` grants it (asking would prompt in the middle
 * of a task). A bad value is an error, not a silent fallback: `auto` would otherwise drop to
 * the `cpu` backend, about 100× slower.
 *
 * @returns The thread count, or `undefined` when the variable is unset, empty or not granted.
 * @throws {UsageError} when the value is not an integer from 1 to 8.
 *
 * @example
 * ```ts
 * import { wasmThreadsFromEnv } from "./threads_env.ts";
 * const threads = wasmThreadsFromEnv(); // undefined unless MNIST_WASM_THREADS is set
 * if (threads !== undefined && (threads < 1 || threads > 8)) throw new Error();
 * ```
 */
export function wasmThreadsFromEnv(): number | undefined {
  const env = Deno.permissions.querySync({ name: "env", variable: THREADS_ENV });
  const value = env.state === "granted" ? Deno.env.get(THREADS_ENV)?.trim() : undefined;
  if (value === undefined || value === "") return undefined;
  const threads = Number(value);
  if (!/^\d+$/.test(value) || threads < 1 || threads > MAX_THREADS) {
    throw new UsageError(
      `${THREADS_ENV} must be an integer from 1 to ${MAX_THREADS}, got "${value}"`,
    );
  }
  return threads;
}
