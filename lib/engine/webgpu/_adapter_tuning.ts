/**
 * Which kind of adapter the engine's kernels are shaped for. On a software adapter
 * (llvmpipe, lavapipe, SwiftShader) every buffer load costs ~5 ns per lane while private
 * memory is cheap, and a workgroup runs as 8-lane SIMD on one core, so few threads with large
 * register blocks win (2–3× measured); a GPU wants many threads with small blocks.
 *
 * @module
 */

/** `cpu`: a software adapter such as llvmpipe; `gpu`: a real GPU. */
export type Tuning = "cpu" | "gpu";

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
 * import { isSoftwareAdapter } from "./_adapter_tuning.ts";
 * assert.equal(isSoftwareAdapter({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" }), true);
 * assert.equal(isSoftwareAdapter({ description: "", architecture: "swiftshader" }), true);
 * assert.equal(isSoftwareAdapter({ description: "NVIDIA H200", isFallbackAdapter: false }), false);
 * ```
 */
export function isSoftwareAdapter(info: AdapterIdentity | undefined): boolean {
  return info?.isFallbackAdapter === true ||
    /llvmpipe|lavapipe|swiftshader/i.test(`${info?.description ?? ""} ${info?.architecture ?? ""}`);
}

/** `cpu` for a software (fallback) adapter such as llvmpipe, else `gpu`. */
export function tuningOf(device: GPUDevice): Tuning {
  return isSoftwareAdapter(device.adapterInfo) ? "cpu" : "gpu";
}

/**
 * Workgroup size of the tiled kernels: 8 on llvmpipe (one 8-lane SIMD row per workgroup,
 * so even a few hundred threads spread over every core), 64 on GPUs.
 */
export function workgroupFor(tuning: Tuning): number {
  return tuning === "cpu" ? 8 : 64;
}
