/**
 * Registers this library's wasm kernels: the one tfjs lacks for training CNNs
 * (`Conv2DBackpropFilter`) and faster replacements for stock kernels that a training step
 * spends most of its time in.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { batchMatMulConfig } from "./batch_mat_mul.ts";
import { conv2dBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./conv2d_backprop_input.ts";
import { fusedMatMulConfig } from "./fused_mat_mul.ts";
import { gatherV2Config } from "./gather_v2.ts";
import { maxPoolGradConfig } from "./max_pool_grad.ts";
import { sliceConfig } from "./slice.ts";
import { sumConfig } from "./sum.ts";
import { captureStockKernels } from "./_stock_kernels.ts";

/** The kernels {@linkcode registerWasmTrainingKernels} installs, in registration order. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  sliceConfig,
  gatherV2Config,
  sumConfig,
];

/** Stock kernels the replacements call (captured before anything is replaced). */
const BUILDING_BLOCKS = [
  "_FusedMatMul",
  "Add",
  "AvgPool",
  "BatchMatMul",
  "Concat",
  "Conv2D",
  "Conv2DBackpropInput",
  "Elu",
  "Fill",
  "GatherV2",
  "LeakyRelu",
  "MaxPoolGrad",
  "Multiply",
  "PadV2",
  "Relu",
  "Relu6",
  "Reshape",
  "Reverse",
  "Sigmoid",
  "Slice",
  "Step",
  "Sub",
  "Sum",
  "Transpose",
];

/** The wasm kernels each replacement displaced (`undefined`: tfjs had none of that name). */
const displaced = new Map<string, tf.KernelConfig | undefined>();

/**
 * Registers the kernels for the `wasm` backend (idempotent). A replaced stock kernel keeps
 * its `setupFunc`, so it still works as the fallback the replacement delegates to. Call it
 * before or after the backend is initialised; {@linkcode unregisterWasmTrainingKernels}
 * restores tfjs's own.
 *
 * @example Train a CNN on wasm
 * ```ts ignore
 * await initWasmBackend();
 * registerWasmTrainingKernels();
 * await tf.setBackend("wasm");
 * ```
 */
export function registerWasmTrainingKernels(): void {
  if (displaced.size > 0) return;
  captureStockKernels(BUILDING_BLOCKS);
  for (const config of WASM_TRAINING_KERNELS) {
    const stock = tf.getKernel(config.kernelName, "wasm");
    displaced.set(config.kernelName, stock);
    if (stock) tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel({
      ...config,
      setupFunc: stock?.setupFunc,
      disposeFunc: stock?.disposeFunc,
    });
  }
}

/**
 * Puts back the kernels {@linkcode registerWasmTrainingKernels} replaced (and removes the
 * ones tfjs lacks), so `selectBackend("wasm", { kernels: "stock" })` after a fast session
 * runs tfjs's own set. Idempotent.
 */
export function unregisterWasmTrainingKernels(): void {
  for (const [name, stock] of displaced) {
    tf.unregisterKernel(name, "wasm");
    if (stock) tf.registerKernel(stock);
  }
  displaced.clear();
}

/** True while this library's wasm training kernels are registered. */
export function wasmTrainingKernelsActive(): boolean {
  return displaced.size > 0;
}
