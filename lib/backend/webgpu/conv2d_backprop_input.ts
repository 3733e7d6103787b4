/**
 * A fast WebGPU `Conv2DBackpropInput`. For stride 1 it is the direct convolution of dy with
 * the flipped, transposed filter (`_direct_conv_program.ts`). Other calls run tfjs' own
 * tiled (implicit-GEMM) program instead of its naive default: tfjs 4.22 picks the naive
 * one unless `WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE` is false (H100, cnn-deep batch 1024:
 * 3.05 → 2.70 ms). The flag is flipped only around each call.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { asWebGpuBackend, type TensorInfo } from "./_backend_internals.ts";
import { DirectConvProgram, FlipFilterProgram, planDirectConv } from "./_direct_conv_program.ts";
import { type KernelTuning, tuningForBackend } from "./_tuning.ts";

const NAIVE_FLAG = "WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE";

/** The attributes tfjs passes to `Conv2DBackpropInput`. */
export interface InputGradAttrs {
  inputShape: [number, number, number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function tiled(
  original: tf.KernelFunc,
  args: Parameters<tf.KernelFunc>[0],
): ReturnType<tf.KernelFunc> {
  const flags = tf.env();
  const before = flags.getBool(NAIVE_FLAG);
  if (!before) return original(args);
  flags.set(NAIVE_FLAG, false);
  try {
    return original(args);
  } finally {
    flags.set(NAIVE_FLAG, before);
  }
}

/**
 * Runs the direct path for a `Conv2DBackpropInput` call (stride 1, NHWC, float32, input
 * channels a multiple of 4), or returns `undefined` for the tiled fallback.
 *
 * @param backend The webgpu backend (a kernel's `backend` argument).
 * @param dy The gradient of the layer output.
 * @param filter The layer's filter, `[kh, kw, in, out]`.
 * @param attrs The kernel attributes.
 * @param tuning The kind of adapter to tune for; by default the backend's.
 * @returns The gradient of the layer input, or `undefined`.
 */
export function runConv2DBackpropInputDirect(
  backend: unknown,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: InputGradAttrs,
  tuning: KernelTuning = tuningForBackend(backend),
): TensorInfo | undefined {
  if (attrs.dataFormat === "NCHW" || dy.dtype !== "float32" || filter.dtype !== "float32") {
    return undefined;
  }
  const filterShape = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;
  // dx is the stride-1 convolution of dy (padded by k−1−pad) with the flipped filter.
  const plan = planDirectConv({
    batch: info.batchSize,
    inHeight: info.outHeight,
    inWidth: info.outWidth,
    inChannels: info.outChannels,
    outHeight: info.inHeight,
    outWidth: info.inWidth,
    outChannels: info.inChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    padTop: info.filterHeight - 1 - info.padInfo.top,
    padLeft: info.filterWidth - 1 - info.padInfo.left,
  }, tuning);
  if (!plan) return undefined;
  const gpu = asWebGpuBackend(backend);
  if (tuning === "gpu") {
    // The flip folded into the loads: one dispatch (~80 µs of CPU) less per layer. On a
    // software adapter, where each load costs ~5 ns per lane, the prepared filter's single
    // vec4 load per weight wins, so the flip stays a pass of its own there.
    const program = new DirectConvProgram({ ...plan, flipped: true });
    return gpu.runWebGPUProgram(program, [dy, filter], "float32", program.uniformData);
  }
  const flipped = gpu.runWebGPUProgram(new FlipFilterProgram(filterShape), [filter], "float32");
  const program = new DirectConvProgram(plan);
  const result = gpu.runWebGPUProgram(program, [dy, flipped], "float32", program.uniformData);
  gpu.disposeData(flipped.dataId);
  return result;
}

/**
 * Builds the kernel function that replaces tfjs' `Conv2DBackpropInput` on webgpu.
 *
 * @param original tfjs' own kernel function, run with its tiled program selected for the
 *   calls the direct path does not handle (strides other than 1, NCHW, input channels not
 *   a multiple of 4).
 * @returns A kernel function for `tf.registerKernel`.
 */
export function makeConv2DBackpropInputKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as InputGradAttrs;
    return (runConv2DBackpropInputDirect(args.backend, dy, filter, attrs) as
      | tf.TensorInfo
      | undefined) ??
      tiled(original, args);
  };
}
