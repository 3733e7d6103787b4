/**
 * A faster `Slice` for the wasm backend. The stock kernel first copies the *whole* input out
 * of the wasm heap (`readSync`), then copies the slice from that copy, one innermost row at a
 * time: slicing 64 rows out of a 60000×784 tensor took 140 ms. This one copies contiguous runs
 * inside the heap (`copyWithin`), so its cost is the size of the slice.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { bytesPerElement, heapBytes, heapOffset, makeOutput } from "./_heap.ts";
import { stockKernel } from "./_stock_kernels.ts";

/**
 * Copies the box `[begin, begin + size)` of `x` into a new tensor.
 *
 * @param backend The wasm backend.
 * @param x A numeric or bool tensor.
 * @param begin Start per axis (all given, none negative).
 * @param size Extent per axis (all given, none negative).
 * @returns A new tensor of shape `size`.
 */
export function sliceHeap(
  backend: unknown,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
): tf.TensorInfo {
  const out = makeOutput(backend, size, x.dtype);
  const count = tf.util.sizeFromShape(size);
  if (count === 0) return out;
  const bpe = bytesPerElement(x.dtype);
  const rank = x.shape.length;
  if (rank === 0) {
    const at = heapOffset(backend, x);
    heapBytes(backend).copyWithin(heapOffset(backend, out), at, at + bpe);
    return out;
  }
  // Axes after `split` are copied whole, so each run is size[split] × their product.
  let split = rank - 1;
  while (split > 0 && size[split] === x.shape[split]) split--;
  const runLength = tf.util.sizeFromShape(size.slice(split));
  const strides = tf.util.computeStrides(x.shape);
  const heap = heapBytes(backend); // after the allocation above
  const src = heapOffset(backend, x);
  let dst = heapOffset(backend, out);
  const index = begin.slice(0, split);
  const runBytes = runLength * bpe;
  const runs = count / runLength;
  for (let run = 0; run < runs; run++) {
    let element = begin[split]! * (strides[split] ?? 1);
    for (let axis = 0; axis < split; axis++) element += index[axis]! * strides[axis]!;
    heap.copyWithin(dst, src + element * bpe, src + element * bpe + runBytes);
    dst += runBytes;
    // Advance the odometer over the outer axes.
    for (let axis = split - 1; axis >= 0; axis--) {
      if (++index[axis]! < begin[axis]! + size[axis]!) break;
      index[axis] = begin[axis]!;
    }
  }
  return out;
}

/**
 * The `Slice` kernel: {@linkcode sliceHeap} for numeric tensors, the stock kernel for strings.
 *
 * @param args tfjs kernel arguments: inputs `{x}`, attrs `{begin, size}`.
 * @returns The slice.
 */
export function slice(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === "string") return stockKernel("Slice").kernelFunc(args) as tf.TensorInfo;
  const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
  const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  return sliceHeap(args.backend, x, begin_!, size_!);
}

/** Kernel config registering {@linkcode slice} for `wasm`. */
export const sliceConfig: tf.KernelConfig = {
  kernelName: "Slice",
  backendName: "wasm",
  kernelFunc: slice,
};
