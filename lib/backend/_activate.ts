/**
 * Loading and activating one tfjs backend for `select_backend.ts`, which decides which: the
 * webgpu package and this library's wasm training kernels are imported here on first use
 * (never at import time, see `select_backend.ts`), and the previous session's kernels are
 * uninstalled first. Kept apart so the choice policy reads on its own.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { BackendUnavailableError } from "../errors.ts";
import type { WasmInfo } from "./wasm/init_wasm.ts";

/** Backends the library can run on. */
export type BackendName = "webgpu" | "wasm" | "cpu";

/** Undoes the wasm kernels of the previous `selectBackend`, so sessions never stack up. */
let uninstallKernelPack: (() => void) | undefined;

async function installKernelPack(name: BackendName, kernels: "fast" | "stock"): Promise<void> {
  uninstallKernelPack?.();
  uninstallKernelPack = undefined;
  if (kernels === "stock" || name !== "wasm") return;
  const pack = await import("./wasm/register_training_kernels.ts");
  pack.registerWasmTrainingKernels();
  uninstallKernelPack = pack.unregisterWasmTrainingKernels;
}

/** Makes `name` the active tfjs backend, with `kernels` on wasm. */
export async function activate(name: BackendName, kernels: "fast" | "stock"): Promise<void> {
  // Each session uninstalls the previous one's wasm kernels: `stock` after `fast` in one
  // process runs tfjs's own kernels again.
  if (name === "webgpu") await import("@tensorflow/tfjs-backend-webgpu");
  await installKernelPack(name, kernels);
  const ok = await tf.setBackend(name).catch(() => false);
  if (!ok) throw new BackendUnavailableError(`The ${name} backend failed to initialise`);
  await tf.ready();
  // Every WebGPU error of the session becomes a GpuError at the next readback, never garbage.
  if (name === "webgpu") (await import("./webgpu/gpu_errors.ts")).guardWebGpuBackend(tf.backend());
  if (name === "cpu") {
    // tfjs-backend-cpu greets Node users with a banner about tfjs-node, which Deno can't use.
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  }
}

/** Starts the wasm backend: its flavour and threads, or why it failed. */
export async function tryWasm(): Promise<WasmInfo | string> {
  try {
    const { initWasmBackend } = await import("./wasm/init_wasm.ts");
    return await initWasmBackend();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
