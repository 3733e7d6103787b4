/**
 * The verdict for a plan on a given WebGPU device, from a verdict store or by running the
 * self-check (one engine step against the float64 reference) and storing it: the part of
 * `engineVerdict` a page runs too, on its own device and with a `localStorage` store.
 *
 * @module
 */
import { type Architecture, layersHash, type OptimizerName } from "../models/architecture.ts";
import { defaultRecipe } from "../defaults.ts";
import { getArchitecture } from "../models/architectures.ts";
import type { EngineVerdict, VerdictCache } from "./verdict_cache.ts";
import { tuningOf } from "./webgpu/_tiles.ts";
import { runSelfCheck } from "./webgpu/self_check.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** Options of {@linkcode planVerdict}. */
export interface PlanVerdictOptions {
  /** Where verdicts are kept; none: check every time. */
  cache?: VerdictCache;
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
 * The verdict for `device`'s adapter and the plan.
 *
 * @param device The device to check on.
 * @param options Store, recheck, plan.
 * @returns The verdict; `ok: false` with a reason when the check failed or WebGPU raised an
 *   error during it (an exception is not stored: it may pass next time).
 */
export async function planVerdict(
  device: GPUDevice,
  options: PlanVerdictOptions = {},
): Promise<EngineVerdict> {
  const now = new Date().toISOString();
  const info = device.adapterInfo ?? (await navigator.gpu.requestAdapter())?.info;
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
  const store = options.cache;
  const hit = (await store?.read())?.[key];
  if (hit && !options.recheck) return { ...hit, cached: true };
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
