/**
 * A faster `Conv2DBackpropInput` for the wasm backend. Its stock kernel is a plain C++ loop
 * (160 ms for the 3×3×32→64 layer of cnn-deep at batch 64); for stride 1 the input gradient is
 * a "full" convolution of dy with the filter rotated 180° and its in/out channels swapped,
 *
 *   dx[n, i, j, ci] = Σ_{kh, kw, co} dy[n, i + pad − kh, j + pad − kw, co] · W[kh, kw, ci, co],
 *
 * which the backend's XNNPACK `Conv2D` runs in ~20 ms. Other strides, NCHW and paddings wider
 * than the filter fall back to the stock kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { disposeAll, runStock, stockKernel, transposeInfo } from "./_stock_kernels.ts";

type Attrs = tf.Conv2DBackpropInputAttrs;

/**
 * Computes the input gradient of a 2-D convolution from `dy` and the `filter`.
 *
 * @param args tfjs kernel arguments: inputs `{dy, filter}`, attrs {@linkcode tf.Conv2DBackpropInputAttrs}.
 * @returns The gradient, shaped `attrs.inputShape`.
 */
export function conv2dBackpropInput(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { backend } = args;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    attrs.dataFormat === "NCHW" ? "channelsFirst" : "channelsLast",
  );
  const { filterHeight: fh, filterWidth: fw } = info;
  const { top, bottom, left, right } = info.padInfo;
  const fullPad = [fh - 1 - top, fh - 1 - bottom, fw - 1 - left, fw - 1 - right];
  if (
    info.dataFormat !== "channelsLast" || info.strideHeight !== 1 || info.strideWidth !== 1 ||
    fullPad.some((p) => p < 0)
  ) {
    return stockKernel("Conv2DBackpropInput").kernelFunc(args) as tf.TensorInfo;
  }
  const temps: tf.TensorInfo[] = [];
  try {
    const flipped = runStock("Reverse", backend, { x: filter }, { dims: [0, 1] });
    temps.push(flipped);
    const swapped = transposeInfo(backend, flipped, [0, 1, 3, 2]); // [fh, fw, co, ci]
    temps.push(swapped);
    return runStock("Conv2D", backend, { x: dy, filter: swapped }, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [[0, 0], [fullPad[0], fullPad[1]], [fullPad[2], fullPad[3]], [0, 0]],
      dataFormat: "NHWC",
      dimRoundingMode: "floor",
    } as unknown as tf.NamedAttrMap);
  } finally {
    disposeAll(backend, temps);
  }
}

/** Kernel config registering {@linkcode conv2dBackpropInput} for `wasm`. */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput,
};
