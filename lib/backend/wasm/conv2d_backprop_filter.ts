/**
 * `Conv2DBackpropFilter` for the wasm backend, which has none (so stock tfjs cannot train a
 * CNN on wasm). The filter gradient is itself a convolution, with the roles swapped:
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[n, oh, ow, co]
 *
 * is a stride-1 convolution of x laid out as `[ci, H, W, n]` (batch ci, channels n) with dy
 * laid out as a filter `[oH, oW, n, co]`, dilated by the forward stride. That runs on the
 * backend's own XNNPACK `Conv2D` (SIMD, threaded): ~15 ms for the 3×3×32→64 layer of cnn-deep
 * at batch 64 (285 MFLOP) versus 700 ms for the wasm `Conv3DBackpropFilterV2` loop.
 *
 * With one input channel (every model's first layer) the transposes would cost more than the
 * product (dy is the layer's largest tensor), so there the patches are gathered instead — by
 * a convolution with one-hot filters, giving im2col `[n·oH·oW, fh·fw]` — and dWᵀ = dyᵀ ·
 * patches runs on XNNPACK's matmul.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { disposeAll, reshapeInfo, runStock, transposeInfo } from "./_stock_kernels.ts";
import { heapBytes, heapOffset, makeOutput } from "./_heap.ts";
import { batchMatMul } from "./batch_mat_mul.ts";

type Attrs = tf.Conv2DBackpropFilterAttrs;

/**
 * Computes the filter gradient of a 2-D convolution from its input `x` and output gradient
 * `dy` (NHWC or NCHW; any stride and padding; dilation 1, as tfjs's conv gradient requires).
 *
 * @param args tfjs kernel arguments: inputs `{x, dy}`, attrs {@linkcode tf.Conv2DBackpropFilterAttrs}.
 * @returns The gradient, shaped `attrs.filterShape` `[fh, fw, ci, co]`.
 */
export function conv2dBackpropFilter(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { backend } = args;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  const channelsFirst = attrs.dataFormat === "NCHW";
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    channelsFirst ? "channelsFirst" : "channelsLast",
  );
  if (!channelsFirst && info.inChannels === 1) return singleChannel(args, info);
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  // The rows and columns of x (padded) that the forward convolution actually read.
  const usedHeight = sh * (info.outHeight - 1) + fh;
  const usedWidth = sw * (info.outWidth - 1) + fw;
  const bottom = usedHeight - info.inHeight - top;
  const right = usedWidth - info.inWidth - left;

  const temps: tf.TensorInfo[] = [];
  try {
    const xT = transposeInfo(backend, x, channelsFirst ? [1, 2, 3, 0] : [3, 1, 2, 0]);
    temps.push(xT);
    const dyT = transposeInfo(backend, dy, channelsFirst ? [2, 3, 0, 1] : [1, 2, 0, 3]);
    temps.push(dyT);
    // A negative bottom/right pad means x has rows past the last window: they only add
    // output rows beyond fh/fw, which are cropped below.
    const conv = runStock("Conv2D", backend, { x: xT, filter: dyT }, {
      strides: [1, 1],
      dilations: [sh, sw],
      pad: [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]],
      dataFormat: "NHWC",
      dimRoundingMode: "floor",
    } as unknown as tf.NamedAttrMap);
    temps.push(conv);
    let grad = conv; // [ci, fh', fw', co]
    if (conv.shape[1] !== fh || conv.shape[2] !== fw) {
      grad = runStock("Slice", backend, { x: conv }, {
        begin: [0, 0, 0, 0],
        size: [info.inChannels, fh, fw, info.outChannels],
      });
      temps.push(grad);
    }
    return transposeInfo(backend, grad, [1, 2, 0, 3]);
  } finally {
    disposeAll(backend, temps);
  }
}

/** im2col by a one-hot convolution, then patchesᵀ · dy (NHWC, one input channel). */
function singleChannel(
  args: Parameters<tf.KernelFunc>[0],
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { backend } = args;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  const taps = info.filterHeight * info.filterWidth;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const temps: tf.TensorInfo[] = [];
  try {
    const oneHot = makeOutput(backend, [info.filterHeight, info.filterWidth, 1, taps], "float32");
    temps.push(oneHot);
    const filter = new Float32Array(
      heapBytes(backend).buffer,
      heapOffset(backend, oneHot),
      taps * taps,
    );
    filter.fill(0);
    for (let tap = 0; tap < taps; tap++) filter[tap * taps + tap] = 1;
    const patches = runStock("Conv2D", backend, { x, filter: oneHot }, {
      strides: attrs.strides,
      dilations: [1, 1],
      pad: attrs.pad,
      dataFormat: "NHWC",
      dimRoundingMode: attrs.dimRoundingMode,
    } as unknown as tf.NamedAttrMap);
    temps.push(patches);
    const b = reshapeInfo(backend, patches, [rows, taps]);
    temps.push(b);
    const a = reshapeInfo(backend, dy, [rows, info.outChannels]);
    temps.push(a);
    // dWᵀ = dyᵀ · patches: XNNPACK packs its second operand (~5–12 ns per element), so that
    // is the smaller one, patches [rows, taps], not dy [rows, co].
    const gradT = batchMatMul({
      inputs: { a, b },
      backend,
      attrs: { transposeA: true, transposeB: false },
    });
    temps.push(gradT);
    const grad = transposeInfo(backend, gradT, [1, 0]);
    temps.push(grad);
    return reshapeInfo(backend, grad, [...attrs.filterShape]);
  } finally {
    disposeAll(backend, temps);
  }
}

/** Kernel config registering {@linkcode conv2dBackpropFilter} for `wasm`. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter,
};
