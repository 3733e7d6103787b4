/**
 * A fast WebGPU `Conv2DBackpropFilter`. tfjs' own program gives one thread per filter
 * element and loops serially over batch × output positions: on an H100 that was 38 of
 * 45 ms of a cnn-deep step at batch 64, and 4 s for layer 1 (288 threads) at batch 1024.
 * This one splits that reduction across thousands of threads and sums the partial results
 * in a second pass (see `_filter_grad_programs.ts`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { asWebGpuBackend, type TensorInfo } from "./_backend_internals.ts";
import { type FilterGradPlan, planFilterGrad } from "./_filter_grad_plan.ts";
import { type KernelTuning, tuningForBackend } from "./_tuning.ts";
import { convShapeOf } from "./_conv_shape.ts";
import { FilterGradPartialProgram } from "./_filter_grad_programs.ts";
import { FilterGradReduceProgram } from "./_filter_grad_reduce.ts";

/** The attributes tfjs passes to `Conv2DBackpropFilter`. */
export interface FilterGradAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/**
 * Plans the fast path for a call, or returns `undefined` when the call needs tfjs' own
 * kernel (NCHW, strides other than 1, non-float32 inputs, unsupported channel counts).
 *
 * @param x The layer input, `[batch, height, width, inChannels]`.
 * @param dy The gradient of the layer output.
 * @param attrs The kernel attributes.
 * @param tuning The kind of adapter to tune the work split for.
 * @returns The plan, or `undefined` for the fallback.
 */
export function planConv2DBackpropFilter(
  x: TensorInfo,
  dy: TensorInfo,
  attrs: FilterGradAttrs,
  tuning: KernelTuning = "gpu",
): FilterGradPlan | undefined {
  if (attrs.dataFormat === "NCHW" || x.dtype !== "float32" || dy.dtype !== "float32") {
    return undefined;
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;
  return planFilterGrad(convShapeOf(info), tuning);
}

/**
 * Runs the fast filter gradient for a plan from {@linkcode planConv2DBackpropFilter}.
 *
 * @param backend The webgpu backend (a kernel's `backend` argument).
 * @param x The layer input.
 * @param dy The gradient of the layer output.
 * @param plan The plan for these shapes.
 * @returns The filter gradient, `[kh, kw, inChannels, outChannels]`.
 */
export function runConv2DBackpropFilter(
  backend: unknown,
  x: TensorInfo,
  dy: TensorInfo,
  plan: FilterGradPlan,
): TensorInfo {
  const gpu = asWebGpuBackend(backend);
  const first = new FilterGradPartialProgram(plan);
  const partial = gpu.runWebGPUProgram(first, [x, dy], "float32", first.uniformData);
  if (plan.splits === 1) return partial;
  const second = new FilterGradReduceProgram(plan);
  const result = gpu.runWebGPUProgram(second, [partial], "float32", second.uniformData);
  gpu.disposeData(partial.dataId);
  return result;
}

/**
 * Builds the kernel function that replaces tfjs' `Conv2DBackpropFilter` on webgpu.
 *
 * @param fallback tfjs' original kernel function, used for calls the fast path skips.
 * @returns A kernel function for `tf.registerKernel`.
 */
export function makeConv2DBackpropFilterKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as unknown as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as FilterGradAttrs;
    const plan = planConv2DBackpropFilter(x, dy, attrs, tuningForBackend(args.backend));
    if (!plan) return fallback(args);
    return runConv2DBackpropFilter(args.backend, x, dy, plan) as tf.TensorInfo;
  };
}
