/**
 * The compiled engine's GPU device: the one given, tfjs' own on the `webgpu` backend, else
 * one device shared by the whole process.
 *
 * Why shared, and why the adapter is pinned (Deno 2.9.6 on wgpu):
 * - `device.adapterInfo` is read lazily through the adapter's id, and Deno aborts the whole
 *   process ("Adapter[Id(0,1)] does not exist") when that first read comes after the
 *   `GPUAdapter` was garbage-collected. The device shares its adapter's info object, so
 *   reading `adapter.info` once while the adapter is alive makes every later read safe;
 *   the adapter is also kept for as long as its device.
 * - A device per runner (the self-check alone made three) left devices and their buffers
 *   to the garbage collector, in whatever order it finalises them; on wgpu's GL backend
 *   (llvmpipe) that teardown ended some processes in a glibc heap-corruption abort at exit.
 *   One device per process, never destroyed while its buffers live, avoids it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Each device's adapter, kept alive with the device. */
const ADAPTERS = new WeakMap<GPUDevice, GPUAdapter>();

/** The process's shared device, once requested (cleared if it is lost). */
let shared: Promise<GPUDevice> | undefined;

/**
 * A new device on the default adapter, with the adapter's binding limits, its adapter info
 * read (so `device.adapterInfo` never needs the adapter again) and its adapter kept.
 *
 * @returns The device.
 * @throws {Error} when this runtime has no WebGPU adapter.
 * @example
 * ```ts ignore
 * const device = await requestEngineDevice();
 * console.log(device.adapterInfo.description);
 * ```
 */
export async function requestEngineDevice(): Promise<GPUDevice> {
  const adapter = typeof navigator !== "undefined" && "gpu" in navigator
    ? await navigator.gpu.requestAdapter()
    : null;
  if (!adapter) throw new Error("no WebGPU adapter");
  // Fills the info object the device shares with the adapter (see the module doc).
  void adapter.info;
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
    },
  });
  ADAPTERS.set(device, adapter);
  return device;
}

/**
 * The device the engine uses: `given` as is; tfjs' own when the active backend is `webgpu`
 * (one device, one queue); else the process's shared device, requested on first use and
 * again after it is lost.
 *
 * @param given A device to use as is.
 * @returns The device.
 * @throws {Error} when this runtime has no WebGPU adapter.
 * @example
 * ```ts ignore
 * const device = await engineDevice();
 * ```
 */
export function engineDevice(given?: GPUDevice): Promise<GPUDevice> {
  if (given) return Promise.resolve(given);
  if (tf.getBackend() === "webgpu") {
    return Promise.resolve((tf.backend() as unknown as { device: GPUDevice }).device);
  }
  if (!shared) {
    const request = requestEngineDevice();
    shared = request;
    request.then(
      (device) => device.lost.then(() => shared === request && (shared = undefined)),
      () => shared === request && (shared = undefined),
    );
  }
  return shared;
}
