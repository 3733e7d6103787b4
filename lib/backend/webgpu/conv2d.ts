/**
 * A fast WebGPU forward `Conv2D` for stride-1 NHWC convolutions (every seed model's), via
 * the direct convolution of `_direct_conv_program.ts`. On llvmpipe tfjs' tiled program
 * took 3.6 s per call for cnn-deep layer 1 at batch 64 and ~50 s to compile.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { asWebGpuBackend, type TensorInfo } from "./_backend_internals.ts";
import { DirectConvProgram, planDirectConv } from "./_direct_conv_program.ts";
import { type KernelTuning, tuningForBackend } from "./_tuning.ts";
import { convShapeOf } from "./_conv_shape.ts";

/** The attributes tfjs passes to `Conv2D`. */
export interface Conv2DAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dilations: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/**
 * Runs the direct convolution for a `Conv2D` call, or returns `undefined` when it needs
 * tfjs' kernel (NCHW, strides or dilations other than 1, non-float32 inputs, output
 * channels not a multiple of 4).
 *
 * @param backend The webgpu backend (a kernel's `backend` argument).
 * @param x The input, NHWC.
 * @param filter The filter, `[kh, kw, in, out]`.
 * @param attrs The kernel attributes.
 * @param tuning The kind of adapter to tune for; by default the backend's.
 * @returns The convolution, or `undefined` for the fallback.
 */
export function runConv2DDirect(
  backend: unknown,
  x: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DAttrs,
  tuning: KernelTuning = tuningForBackend(backend),
): TensorInfo | undefined {
  if (attrs.dataFormat === "NCHW" || x.dtype !== "float32" || filter.dtype !== "float32") {
    return undefined;
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const unit = info.strideHeight === 1 && info.strideWidth === 1 &&
    info.dilationHeight === 1 && info.dilationWidth === 1;
  if (!unit) return undefined;
  const plan = planDirectConv(convShapeOf(info), tuning);
  if (!plan) return undefined;
  const program = new DirectConvProgram(plan);
  const gpu = asWebGpuBackend(backend);
  return gpu.runWebGPUProgram(program, [x, filter], "float32", program.uniformData);
}

/**
 * Builds the kernel function that replaces tfjs' `Conv2D` on webgpu.
 *
 * @param fallback tfjs' original kernel function, for the calls {@linkcode runConv2DDirect}
 *   declines.
 * @returns A kernel function for `tf.registerKernel`.
 */
export function makeConv2DKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as unknown as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DAttrs;
    return (runConv2DDirect(args.backend, x, filter, attrs) as tf.TensorInfo | undefined) ??
      fallback(args);
  };
}
