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

/** `cpu` for a software (fallback) adapter, `gpu` otherwise; cached per device. */
export function tuningForBackend(backend: unknown): KernelTuning {
  if (forced) return forced;
  const device = asWebGpuBackend(backend).device;
  let tuning = tunings.get(device);
  if (!tuning) {
    const info = (device as { adapterInfo?: { isFallbackAdapter?: boolean; description?: string } })
      .adapterInfo;
    const software = info?.isFallbackAdapter === true ||
      /llvmpipe|lavapipe|swiftshader/i.test(info?.description ?? "");
    tuning = software ? "cpu" : "gpu";
    tunings.set(device, tuning);
  }
  return tuning;
}
