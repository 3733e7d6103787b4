/**
 * Phase 0: the adapter and its limits, and proof that WebGPU errors are caught on this
 * runtime: an error scope catches an injected validation error, and the `uncapturederror`
 * listener reports one made outside any scope (on a device of its own, since every phase
 * runs inside the runner's scopes).
 *
 * @module
 */
import { GpuError } from "../errors.ts";
import { openErrorScopes, takeWebGpuErrors, watchDevice } from "../backend/webgpu/gpu_errors.ts";
import { KEPT_ADAPTERS } from "./preflight.ts";
import type { PhaseContext } from "./types.ts";

const LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupsPerDimension",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupStorageSize",
  "maxStorageBuffersPerShaderStage",
] as const;

/**
 * Makes a call WebGPU rejects with a validation error (MAP_READ cannot go with STORAGE), to
 * prove that errors are caught.
 *
 * @param device The device to make the bad call on.
 */
export function injectValidationError(device: GPUDevice): void {
  device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
}

/**
 * The adapter's description, `isFallbackAdapter`, and the device's limits and features (the
 * device is tfjs' own: whether it has `timestamp-query` is in `deviceFeatures`).
 *
 * @param device The webgpu backend's device.
 * @returns A JSON-ready summary.
 */
export async function adapterSummary(device: GPUDevice): Promise<Record<string, unknown>> {
  // Read before any await, as soon after `selectBackend` as possible: Deno 2.9.6 aborts when
  // `device.adapterInfo` is first read after its adapter was garbage-collected, and the
  // engine's `tuningOf` reads it later. Once read, it is kept.
  const deviceInfo = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const adapter = await navigator.gpu.requestAdapter();
  if (adapter) KEPT_ADAPTERS.push(adapter);
  const info = deviceInfo ?? adapter?.info;
  const limits: Record<string, number> = {};
  for (const name of LIMITS) limits[name] = device.limits[name];
  return {
    description: info?.description ?? "",
    vendor: info?.vendor ?? "",
    architecture: info?.architecture ?? "",
    isFallbackAdapter: (info as { isFallbackAdapter?: boolean })?.isFallbackAdapter ?? false,
    deviceLimits: limits,
    adapterFeatures: adapter ? [...adapter.features].sort() : [],
    deviceFeatures: [...device.features].sort(),
    deno: Deno.version.deno,
  };
}

/**
 * Phase 0 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function adapterPhase(ctx: PhaseContext): Promise<void> {
  const summary = await adapterSummary(ctx.device);
  ctx.record("adapter", summary);
  ctx.log(`adapter: ${summary.description} (fallback: ${summary.isFallbackAdapter})`);
  if (!ctx.quick) {
    ctx.check("a real GPU adapter (not a software fallback)", summary.isFallbackAdapter === false);
  }
  const scopes = openErrorScopes(ctx.device);
  injectValidationError(ctx.device);
  const caught = await scopes.close("phase 0 self-test").then(() => undefined, (e) => e);
  ctx.check(
    "an error scope catches an injected validation error",
    caught instanceof GpuError,
    caught instanceof Error ? caught.message.slice(0, 120) : "nothing caught",
  );
  const adapter = await navigator.gpu.requestAdapter();
  KEPT_ADAPTERS.push(adapter!);
  const spare = await adapter!.requestDevice();
  watchDevice(spare);
  injectValidationError(spare);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const reported = takeWebGpuErrors(spare);
  ctx.check(
    "the uncapturederror listener reports an error outside any scope",
    reported.length === 1,
    reported[0]?.slice(0, 120) ?? "no event",
  );
  spare.destroy();
}
