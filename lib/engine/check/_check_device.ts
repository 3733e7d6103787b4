/**
 * The WebGPU device of a check, with its adapter kept referenced: Deno 2.9.6 aborts the
 * process when `adapterInfo` is read after the `GPUAdapter` was garbage-collected, so the
 * adapter lives as long as the device and its description is read once, up front.
 *
 * @module
 */

/** A device, the adapter it came from, and the adapter's description. */
export interface CheckDevice {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** e.g. `llvmpipe (LLVM 15.0.6, 256 bits)` and the backend wgpu chose, where it says. */
  description: string;
  fallback: boolean;
}

/**
 * A device with the adapter's storage-binding limits, or null where WebGPU is absent.
 *
 * @returns The device and its adapter, or null.
 */
export async function checkDevice(): Promise<CheckDevice | null> {
  if (typeof navigator === "undefined" || !("gpu" in navigator)) return null;
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const description = [info.description || info.device || info.vendor, info.architecture]
    .filter(Boolean).join(", ");
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return { device, adapter, description, fallback: info.isFallbackAdapter === true };
}
