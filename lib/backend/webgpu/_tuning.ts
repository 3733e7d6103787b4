/**
 * Which kind of adapter the kernels tune their work split for. On a software adapter
 * (llvmpipe) every buffer load costs ~5 ns per lane while private memory is cheap, and a
 * workgroup runs as 8-lane SIMD on one core, so few threads with large register blocks win
 * (2–3× measured); a GPU wants many threads with small blocks.
 *
 * @module
 */
import { asWebGpuBackend } from "./_backend_internals.ts";

/** `gpu`: many threads, small register blocks. `cpu`: a software adapter such as llvmpipe. */
export type KernelTuning = "gpu" | "cpu";

const tunings = new WeakMap<GPUDevice, KernelTuning>();

let forced: KernelTuning | undefined;

/**
 * Makes every kernel use `tuning` whatever the adapter (`undefined` restores detection), so
 * a verification run can exercise both plans on one device.
 */
export function forceKernelTuning(tuning: KernelTuning | undefined): void {
  forced = tuning;
}

/** What {@linkcode isSoftwareAdapter} reads of a `GPUAdapterInfo`. */
export interface AdapterIdentity {
  description?: string;
  architecture?: string;
  isFallbackAdapter?: boolean;
}

/**
 * True for a CPU-backed adapter: one flagged as a fallback, or Mesa's llvmpipe (GL) and
 * lavapipe (Vulkan, which also calls itself "llvmpipe") or SwiftShader by name, since not
 * every runtime sets the flag (Chromium leaves it false for SwiftShader, and names it in
 * `architecture` with an empty `description`).
 *
 * @param info The adapter's info (`device.adapterInfo`); `undefined` counts as a GPU.
 * @returns Whether the kernels should use their software-adapter tuning.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSoftwareAdapter } from "./_tuning.ts";
 * assert.equal(isSoftwareAdapter({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" }), true);
 * assert.equal(isSoftwareAdapter({ description: "", architecture: "swiftshader" }), true);
 * assert.equal(isSoftwareAdapter({ description: "NVIDIA H200", isFallbackAdapter: false }), false);
 * ```
 */
export function isSoftwareAdapter(info: AdapterIdentity | undefined): boolean {
  return info?.isFallbackAdapter === true ||
    /llvmpipe|lavapipe|swiftshader/i.test(`${info?.description ?? ""} ${info?.architecture ?? ""}`);
}

/** `cpu` for a software (fallback) adapter, `gpu` otherwise; cached per device. */
export function tuningForBackend(backend: unknown): KernelTuning {
  if (forced) return forced;
  const device = asWebGpuBackend(backend).device;
  let tuning = tunings.get(device);
  if (!tuning) {
    tuning = isSoftwareAdapter(device.adapterInfo) ? "cpu" : "gpu";
    tunings.set(device, tuning);
  }
  return tuning;
}
