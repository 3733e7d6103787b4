/**
 * The WebGPU device of a check, from `requestEngineDevice` (which keeps its adapter alive and
 * reads its info at once: Deno 2.9.6 aborts when `adapterInfo` is first read after the
 * adapter was collected), with the adapter described for people.
 *
 * @module
 */
import { requestEngineDevice } from "../webgpu/engine_device.ts";

/** A device and its adapter's description. */
export interface CheckDevice {
  device: GPUDevice;
  /** e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`. */
  description: string;
  fallback: boolean;
}

/**
 * A device of its own for the check, or null where this runtime has no WebGPU adapter.
 *
 * @returns The device and its adapter's description, or null.
 */
export async function checkDevice(): Promise<CheckDevice | null> {
  if (typeof navigator === "undefined" || !("gpu" in navigator)) return null;
  if (!(await navigator.gpu.requestAdapter())) return null;
  const device = await requestEngineDevice();
  const info = device.adapterInfo as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const description = [info.description || info.device || info.vendor, info.architecture]
    .filter(Boolean).join(", ");
  return { device, description, fallback: info.isFallbackAdapter === true };
}
