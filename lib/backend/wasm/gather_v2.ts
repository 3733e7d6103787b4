/**
 * A faster `GatherV2` for the common case of picking rows (axis 0, no batch dims), which is
 * how a training loop takes a mini-batch out of the dataset tensor. The stock kernel computes
 * every element's address through generic strides (2.6 ms for 64 MNIST images); here each
 * picked row is one `copyWithin` inside the wasm heap. Other axes use the stock kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { bytesPerElement, heapBytes, heapOffset, makeOutput } from "./_heap.ts";
import { stockKernel } from "./_stock_kernels.ts";

/**
 * The `GatherV2` kernel.
 *
 * @param args tfjs kernel arguments: inputs `{x, indices}`, attrs `{axis, batchDims}`.
 * @returns `x` gathered along `axis`.
 * @throws {Error} when an index is outside `[0, x.shape[axis])`, as the stock kernel does.
 */
export function gatherV2(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
  const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0];
  if (
    parsedAxis !== 0 || (batchDims ?? 0) !== 0 || x.dtype === "string" ||
    indices.dtype !== "int32"
  ) {
    return stockKernel("GatherV2").kernelFunc(args) as tf.TensorInfo;
  }
  const backend = args.backend;
  const rows = x.shape[0]!;
  const rowShape = x.shape.slice(1);
  const out = makeOutput(backend, [...indices.shape, ...rowShape], x.dtype);
  const rowBytes = tf.util.sizeFromShape(rowShape) * bytesPerElement(x.dtype);
  const heap = heapBytes(backend); // after the allocation above
  const count = tf.util.sizeFromShape(indices.shape);
  const picks = new Int32Array(heap.buffer, heapOffset(backend, indices), count).slice();
  const src = heapOffset(backend, x);
  let dst = heapOffset(backend, out);
  for (const row of picks) {
    if (row < 0 || row >= rows) {
      (backend as { disposeData(id: tf.DataId): void }).disposeData(out.dataId);
      throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
    }
    heap.copyWithin(dst, src + row * rowBytes, src + (row + 1) * rowBytes);
    dst += rowBytes;
  }
  return out;
}

/** Kernel config registering {@linkcode gatherV2} for `wasm`. */
export const gatherV2Config: tf.KernelConfig = {
  kernelName: "GatherV2",
  backendName: "wasm",
  kernelFunc: gatherV2,
};
