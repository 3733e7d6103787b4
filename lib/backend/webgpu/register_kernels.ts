/**
 * Switches the webgpu backend between tfjs' stock kernels and this library's fast ones
 * (forward conv, filter gradient, input gradient, max-pool gradient). Each fast kernel
 * falls back to the stock kernel it replaced for shapes it does not handle, and the switch
 * can go back and forth in one process, so a benchmark can compare both, or keep single
 * kernels stock to time them one by one.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { makeConv2DKernel } from "./conv2d.ts";
import { makeConv2DBackpropFilterKernel } from "./conv2d_backprop_filter.ts";
import { makeConv2DBackpropInputKernel } from "./conv2d_backprop_input.ts";
import { makeMaxPoolGradKernel } from "./max_pool_grad.ts";

/** Which kernel set the webgpu backend runs. */
export type WebGpuKernels = "stock" | "fast";

const BACKEND = "webgpu";

/** Kernel name → builder of the fast kernel function from the stock one. */
const REPLACEMENTS: ReadonlyArray<[string, (stock: tf.KernelFunc) => tf.KernelFunc]> = [
  ["Conv2D", makeConv2DKernel],
  ["Conv2DBackpropFilter", makeConv2DBackpropFilterKernel],
  ["Conv2DBackpropInput", makeConv2DBackpropInputKernel],
  ["MaxPoolGrad", makeMaxPoolGradKernel],
];

/** The tfjs kernel names the fast set replaces. */
export const FAST_WEBGPU_KERNELS: readonly string[] = REPLACEMENTS.map(([name]) => name);

/** Options for {@linkcode setWebGpuKernels}. */
export interface WebGpuKernelOptions {
  /**
   * Kernels (names from {@linkcode FAST_WEBGPU_KERNELS}) to leave stock in the fast set,
   * e.g. to time one replacement on a GPU.
   * @default []
   */
  keepStock?: readonly string[];
}

const stockConfigs = new Map<string, tf.KernelConfig>();
let active: WebGpuKernels = "stock";
let activeKey = "stock";

/**
 * Registers the fast or the stock kernels for the `webgpu` backend. Idempotent; works
 * before or after `tf.setBackend("webgpu")`.
 *
 * @param kernels `"fast"` for this library's kernels, `"stock"` for tfjs' own.
 * @param options Kernels to keep stock within the fast set.
 * @throws {RangeError} for a `keepStock` name that is not a replaced kernel.
 *
 * @example Compare both kernel sets in one process
 * ```ts ignore
 * setWebGpuKernels("stock");
 * // ... time a training step ...
 * setWebGpuKernels("fast");
 * ```
 */
export function setWebGpuKernels(kernels: WebGpuKernels, options: WebGpuKernelOptions = {}): void {
  const keep = new Set(options.keepStock ?? []);
  for (const name of keep) {
    if (!FAST_WEBGPU_KERNELS.includes(name)) {
      throw new RangeError(
        `Cannot keep "${name}" stock: expected one of ${FAST_WEBGPU_KERNELS.join(", ")}`,
      );
    }
  }
  const key = kernels === "fast" ? `fast:${[...keep].sort().join(",")}` : "stock";
  if (key === activeKey) return;
  for (const [name, makeFast] of REPLACEMENTS) {
    const stock = stockConfigs.get(name) ?? tf.getKernel(name, BACKEND);
    if (!stock) continue;
    stockConfigs.set(name, stock);
    const fast = kernels === "fast" && !keep.has(name);
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(fast ? { ...stock, kernelFunc: makeFast(stock.kernelFunc) } : stock);
  }
  active = kernels;
  activeKey = key;
}

/**
 * Replaces the slow webgpu kernels with the fast ones (same as `setWebGpuKernels("fast")`).
 *
 * @example
 * ```ts ignore
 * registerWebGpuKernels();
 * await tf.setBackend("webgpu");
 * ```
 */
export function registerWebGpuKernels(): void {
  setWebGpuKernels("fast");
}

/** Restores tfjs' stock webgpu kernels (same as `setWebGpuKernels("stock")`). */
export function unregisterWebGpuKernels(): void {
  setWebGpuKernels("stock");
}

/** The kernel set currently registered for webgpu. */
export function activeWebGpuKernels(): WebGpuKernels {
  return active;
}
