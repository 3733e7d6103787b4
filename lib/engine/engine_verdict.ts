/**
 * Whether the compiled WebGPU engine can be trusted for a plan on this adapter: the first
 * time the engine meets a plan (architecture, batch size, kernel tuning) on an adapter
 * (its vendor, architecture, device and description, and this package's version) it runs
 * the self-check and caches the verdict as JSON; later runs read the cache. A mismatch or
 * a WebGPU error makes the verdict negative, with one line saying why.
 *
 * @module
 */
import type { PlanVerdictOptions } from "./plan_verdict.ts";
import type { EngineVerdict } from "./verdict_cache.ts";
import { fileVerdictCache } from "./verdict_file_cache.ts";

export type { EngineVerdict };

/** Options of {@linkcode engineVerdict}. */
export interface EngineVerdictOptions extends PlanVerdictOptions {
  /** JSON cache file (e.g. `data/engine-verdicts.json`); none: check every time. */
  verdictFile?: string;
  /** The device to check (default: tfjs' own on `webgpu`, else the process's shared one). */
  device?: GPUDevice;
}

/**
 * The verdict for the WebGPU adapter the engine would use, from the cache or by running
 * the self-check (and caching it when `verdictFile` is given and writable).
 *
 * @param options Cache file, device, recheck.
 * @returns The verdict; `ok: false` with a reason when there is no adapter, the check
 *   failed, or WebGPU raised an error during it.
 * @example
 * ```ts ignore
 * const verdict = await engineVerdict({ verdictFile: "data/engine-verdicts.json" });
 * if (!verdict.ok) console.log(`compiled engine off: ${verdict.reason}`);
 * ```
 */
export async function engineVerdict(options: EngineVerdictOptions = {}): Promise<EngineVerdict> {
  const { engineDevice } = await import("./webgpu/engine_device.ts");
  let device: GPUDevice;
  try {
    device = await engineDevice(options.device);
  } catch (error) {
    const reason = `no WebGPU device (${(error as Error).message})`;
    const checkedAt = new Date().toISOString();
    return { key: "none", adapter: "none", ok: false, reason, checkedAt, cached: false };
  }
  const { planVerdict } = await import("./plan_verdict.ts");
  const cache = options.cache ??
    (options.verdictFile ? fileVerdictCache(options.verdictFile) : undefined);
  return await planVerdict(device, { ...options, cache });
}
