/**
 * What the CPU engine takes from its host under Deno: the default thread count (the
 * `MNIST_WASM_THREADS` variable, else the machine's) and the process's CPU time for
 * `profile`. Kept out of `cpu_engine.ts`, which a browser page imports too.
 *
 * @module
 */
import process from "node:process";
import { hardwareCpuThreads } from "./cpu_engine.ts";

/** Environment variable that sets the default thread count (shared with the tfjs wasm path). */
export const CPU_THREADS_ENV = "MNIST_WASM_THREADS";

/**
 * The default thread count: `MNIST_WASM_THREADS` when `--allow-env` grants it, else
 * `hardwareCpuThreads()` (`navigator.hardwareConcurrency`, at most 8).
 *
 * @returns A thread count ≥ 1.
 * @example
 * ```ts
 * import { defaultCpuThreads } from "./cpu_host.ts";
 * console.assert(defaultCpuThreads() >= 1);
 * ```
 */
export function defaultCpuThreads(): number {
  const env = Deno.permissions.querySync({ name: "env", variable: CPU_THREADS_ENV });
  const value = env.state === "granted" ? Deno.env.get(CPU_THREADS_ENV) : undefined;
  if (value !== undefined && value !== "") return Number(value);
  return hardwareCpuThreads();
}

/** The process's CPU time (user + system, all threads) so far, in milliseconds. */
export function processCpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}
