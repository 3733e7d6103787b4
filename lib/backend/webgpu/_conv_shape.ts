/**
 * The convolution geometry the direct-convolution and filter-gradient kernels share, read
 * once from tfjs's `Conv2DInfo`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** Geometry of a stride-1 NHWC convolution with an `[kh, kw, in, out]` filter. */
export interface ConvShape {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  padTop: number;
  padLeft: number;
}

/** The {@linkcode ConvShape} of a tfjs `Conv2DInfo` (the caller checks stride and dilation). */
export function convShapeOf(info: tf.backend_util.Conv2DInfo): ConvShape {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
