/**
 * Whether the compiled WebGPU engine can be trusted for a plan on this adapter: the first
 * time the engine meets a plan (architecture, batch size, kernel tuning) on an adapter
 * (its vendor, architecture, device and description, and this package's version) it runs
 * the self-check and caches the verdict as JSON; later runs read the cache. A mismatch or
 * a WebGPU error makes the verdict negative, with one line saying why.
 *
 * @module
 */
import { type Architecture, layersHash, type OptimizerName } from "../models/architecture.ts";
import { defaultRecipe } from "../defaults.ts";
import { getArchitecture } from "../models/architectures.ts";
import type { EngineVerdict, VerdictCache } from "./verdict_cache.ts";

export type { EngineVerdict };
import { fileVerdictCache } from "./verdict_file_cache.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** Options of {@linkcode engineVerdict}. */
export interface EngineVerdictOptions {
  /** JSON cache file (e.g. `data/engine-verdicts.json`); none: check every time. */
  verdictFile?: string;
  /** Another verdict store (e.g. `localStorage` in a browser); wins over `verdictFile`. */
  cache?: VerdictCache;
  /** The device to check (default: tfjs' own on `webgpu`, else the process's shared one). */
  device?: GPUDevice;
  /** Re-run the check even when a verdict is cached. */
  recheck?: boolean;
  /** The run's architecture, batch size and optimizer. @default cnn-deep's recipe at batch 64 */
  plan?: { arch: Architecture; batchSize: number; optimizer?: OptimizerName };
}

function adapterKey(info: GPUAdapterInfo): string {
  return [
    info.vendor,
    info.architecture,
    info.device,
    info.description,
    `mnist-cnn@${denoJson.version}`,
  ]
    .map((s) => s || "?").join(" | ");
}

/** A plan's part of the key: name, batch, optimizer, tuning and a hash of the layers. */
function planKey(arch: Architecture, batchSize: number, optimizer: string, tuning: string): string {
  return `${arch.name} b${batchSize} ${optimizer} ${tuning} #${layersHash(arch)}`;
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
  const now = new Date().toISOString();
  let device: GPUDevice;
  try {
    device = await engineDevice(options.device);
  } catch (error) {
    const reason = `no WebGPU device (${(error as Error).message})`;
    return { key: "none", adapter: "none", ok: false, reason, checkedAt: now, cached: false };
  }
  const info = device.adapterInfo ?? (await navigator.gpu.requestAdapter())?.info;
  const { tuningOf } = await import("./webgpu/_tiles.ts");
  const tuning = tuningOf(device);
  const plan = options.plan ?? { arch: getArchitecture("cnn-deep"), batchSize: 64 };
  const key = `${info ? adapterKey(info) : "unknown adapter"} | ${
    planKey(
      plan.arch,
      plan.batchSize,
      plan.optimizer ?? plan.arch.recipe?.optimizer ?? defaultRecipe().optimizer,
      tuning,
    )
  }`;
  const adapter = info?.description || info?.vendor || "unknown adapter";
  const store = options.cache ??
    (options.verdictFile ? fileVerdictCache(options.verdictFile) : undefined);
  const hit = (await store?.read())?.[key];
  if (hit && !options.recheck) return { ...hit, cached: true };
  const { runSelfCheck } = await import("./webgpu/self_check.ts");
  let verdict: EngineVerdict;
  // An exception (not a measured mismatch) may be passing; such verdicts are not cached.
  let cacheable = true;
  device.pushErrorScope("validation");
  try {
    const result = await runSelfCheck(device, adapter, { ...plan, tuning });
    const gpuError = await device.popErrorScope();
    verdict = { key, adapter, checkedAt: now, cached: false, ...result };
    if (gpuError) {
      verdict = {
        ...verdict,
        ok: false,
        reason: `WebGPU error: ${gpuError.message.split("\n")[0]}`,
      };
    }
  } catch (error) {
    await device.popErrorScope().catch(() => null);
    cacheable = false;
    verdict = {
      key,
      adapter,
      ok: false,
      reason: `self-check failed: ${(error as Error).message}`,
      checkedAt: now,
      cached: false,
    };
  }
  if (store && cacheable) {
    const { cached: _, ...stored } = verdict;
    await store.write(key, stored);
  }
  return verdict;
}
