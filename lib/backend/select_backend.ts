/**
 * Chooses and activates the tfjs backend. This is the only module that calls
 * `tf.setBackend`. `auto` prefers a real GPU through WebGPU, then the fastest CPU backend
 * that can train the model, then `cpu`; a backend asked for by name is never silently
 * replaced by another.
 *
 * Nothing here runs at import time: the webgpu and wasm backends and this library's wasm
 * training kernels are loaded with `import()` when first selected. Importing a backend package
 * registers it as tfjs's highest-priority backend, so a static import would make anything that
 * touches tfjs before `selectBackend` fail with "backend 'webgpu' has not yet been initialized".
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { BackendUnavailableError } from "../errors.ts";
import { defaultTrainConfig } from "../defaults.ts";
import type { WasmInfo } from "./wasm/init_wasm.ts";
import { activate, type BackendName, tryWasm } from "./_activate.ts";

/** Backends the library can run on (defined with their activation). */
export type { BackendName };
/** A backend request: a name, or `auto`. */
export type BackendRequest = BackendName | "auto";
/** The backend names accepted by {@linkcode selectBackend}, `auto` first. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = ["auto", "webgpu", "wasm", "cpu"];

/** Which backend was activated and why. */
export interface BackendChoice {
  /** The active tfjs backend. */
  name: BackendName;
  /** Why it was chosen, one line (printed by the tasks). */
  reason: string;
  /** WebGPU adapter description, when WebGPU was probed. */
  adapter?: string;
  /** Wasm flavour and threads, when wasm is active. */
  wasm?: WasmInfo;
}

/** Options for {@linkcode selectBackend}. */
export interface SelectBackendOptions {
  /**
   * Use this library's wasm training kernels (`fast`); `stock` keeps tfjs's own, for
   * comparison. WebGPU always runs tfjs' own (the compiled engine is its fast path).
   * @default defaultTrainConfig().kernels (`fast`)
   */
  kernels?: "fast" | "stock";
}

/** Describes the WebGPU adapter, or why there is none. */
export async function probeWebGpu(): Promise<
  { adapter: GPUAdapter; description: string; fallback: boolean } | { missing: string }
> {
  if (typeof navigator === "undefined" || !("gpu" in navigator)) {
    return { missing: "navigator.gpu is not available in this runtime" };
  }
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { missing: "no WebGPU adapter was found" };
  const info = adapter.info;
  const description = info.description || `${info.vendor} ${info.architecture}`.trim() ||
    "unknown adapter";
  // Deno reports llvmpipe (a CPU rasteriser) as a fallback adapter: correct but ~1000× slower.
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  return { adapter, description, fallback };
}

/** `auto` without a real GPU: wasm with this library's kernels, else `cpu`, saying why. */
async function chooseCpuBackend(
  gpu: { description: string } | { missing: string },
  kernels: "fast" | "stock",
): Promise<BackendChoice> {
  const why = "missing" in gpu ? gpu.missing : `adapter ${gpu.description} is a software fallback`;
  const wasm = await tryWasm();
  if (typeof wasm !== "string" && kernels === "fast") {
    await activate("wasm", kernels);
    return {
      name: "wasm",
      reason: `no real GPU (${why}); wasm ${wasm.flavour} is the fastest CPU backend`,
      wasm,
    };
  }
  await activate("cpu", kernels);
  const wasmWhy = typeof wasm === "string"
    ? `wasm failed: ${wasm}`
    : "stock kernels cannot train CNNs on wasm";
  return { name: "cpu", reason: `no real GPU (${why}); ${wasmWhy}` };
}

/**
 * Activates a backend. `auto` picks WebGPU only for a real GPU adapter (not a software
 * fallback), otherwise `wasm` (SIMD, with this library's training kernels), otherwise `cpu`.
 *
 * @throws {BackendUnavailableError} when a backend requested by name cannot be used.
 *
 * @example
 * ```ts
 * import { selectBackend } from "./select_backend.ts";
 * import assert from "node:assert/strict";
 *
 * const choice = await selectBackend("cpu");
 * assert.equal(choice.name, "cpu");
 * ```
 *
 * @example Let the library pick (a real GPU, else wasm, else cpu)
 * ```ts ignore
 * const { name, reason } = await selectBackend("auto");
 * console.log(`training on ${name}: ${reason}`);
 * ```
 */
export async function selectBackend(
  request: BackendRequest = "auto",
  options: SelectBackendOptions = {},
): Promise<BackendChoice> {
  const kernels = options.kernels ?? defaultTrainConfig().kernels;
  if (request === "webgpu" || request === "auto") {
    const gpu = await probeWebGpu();
    if (request === "webgpu") {
      if ("missing" in gpu) {
        throw new BackendUnavailableError(`WebGPU is unavailable: ${gpu.missing}`);
      }
      await activate("webgpu", kernels);
      const note = gpu.fallback ? " (a software fallback adapter: slow)" : "";
      return {
        name: "webgpu",
        reason: `requested; adapter ${gpu.description}${note}`,
        adapter: gpu.description,
      };
    }
    if (!("missing" in gpu) && !gpu.fallback) {
      await activate("webgpu", kernels);
      return {
        name: "webgpu",
        reason: `real GPU adapter: ${gpu.description}`,
        adapter: gpu.description,
      };
    }
    return await chooseCpuBackend(gpu, kernels);
  }
  if (request === "wasm") {
    const wasm = await tryWasm();
    if (typeof wasm === "string") {
      throw new BackendUnavailableError(`The wasm backend is unavailable: ${wasm}`);
    }
    await activate("wasm", kernels);
    return { name: "wasm", reason: `requested; ${wasm.flavour}, ${wasm.threads} thread(s)`, wasm };
  }
  await activate("cpu", kernels);
  return { name: "cpu", reason: "requested" };
}

/** The name of the active backend, or `undefined` when none has been selected yet. */
export function activeBackend(): string | undefined {
  // Reading tf.getBackend() would itself try to start the highest-priority backend, which
  // fails for the async ones (webgpu, wasm) — hence the engine's own field.
  return (tf.engine() as unknown as { backendName: string | null }).backendName ?? undefined;
}

/**
 * Makes `request` the active backend, or `auto` when nothing is active yet; with no request
 * and a backend already active, keeps it. Library entry points call this, so a plain script
 * needs no `selectBackend` of its own.
 *
 * @param request The backend the caller asked for, if any.
 * @param options Kernel set, as for {@linkcode selectBackend}.
 * @returns The choice when a backend was (re)selected, `undefined` when the active one stays.
 * @throws {BackendUnavailableError} when a backend requested by name cannot be used.
 *
 * @example
 * ```ts
 * import { ensureBackend } from "./select_backend.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal((await ensureBackend("cpu"))?.name, "cpu");
 * assert.equal(await ensureBackend(), undefined); // cpu stays active
 * ```
 */
export async function ensureBackend(
  request?: BackendRequest,
  options: SelectBackendOptions = {},
): Promise<BackendChoice | undefined> {
  if (request === undefined && activeBackend() !== undefined) return undefined;
  return await selectBackend(request ?? "auto", options);
}
