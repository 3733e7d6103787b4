/**
 * The wasm backend's own kernels, captured before this library replaces any of them, so a
 * replacement can delegate to the original (and kernels can compose originals) without
 * recursing into itself.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

const stock = new Map<string, tf.KernelConfig>();

/**
 * Remembers the current wasm kernel for each name (first call wins).
 *
 * @throws {Error} when the wasm backend has no kernel of that name.
 */
export function captureStockKernels(names: readonly string[]): void {
  for (const name of names) {
    if (stock.has(name)) continue;
    const config = tf.getKernel(name, "wasm");
    if (!config) throw new Error(`The wasm backend has no ${name} kernel to build on`);
    stock.set(name, config);
  }
}

/** The captured stock kernel config for `name`. */
export function stockKernel(name: string): tf.KernelConfig {
  const config = stock.get(name) ?? tf.getKernel(name, "wasm");
  if (!config) throw new Error(`The wasm backend has no ${name} kernel`);
  return config;
}

/** Runs the stock wasm kernel `name`; the caller owns (and disposes) the result. */
export function runStock(
  name: string,
  backend: unknown,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const result = stockKernel(name).kernelFunc({ inputs, backend: backend as object, attrs });
  if (Array.isArray(result)) throw new Error(`${name} returned several tensors`);
  return result;
}

/** The part of tfjs's wasm backend these kernels use. */
export interface WasmBackendLike {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** Frees intermediate results of stock kernels. */
export function disposeAll(backend: unknown, infos: readonly tf.TensorInfo[]): void {
  for (const info of infos) (backend as WasmBackendLike).disposeData(info.dataId);
}

/** Runs the stock `Transpose`. */
export function transposeInfo(backend: unknown, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runStock("Transpose", backend, { x }, { perm });
}

/** Runs the stock `Reshape` (shares `x`'s data; dispose both). */
export function reshapeInfo(backend: unknown, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return runStock("Reshape", backend, { x }, { shape });
}
