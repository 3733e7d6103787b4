/**
 * Direct access to the wasm heap for kernels that only move whole rows of memory (slice,
 * gather): one `copyWithin` per contiguous run, with no round trip through JS arrays.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** The parts of tfjs's `BackendWasm` these helpers touch. */
interface BackendWasmInternals {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** Bytes per element of the numeric dtypes the wasm backend stores. */
export function bytesPerElement(dtype: tf.DataType): number {
  return dtype === "bool" ? 1 : 4;
}

/** Allocates an output tensor on the heap (contents undefined). */
export function makeOutput(backend: unknown, shape: number[], dtype: tf.DataType): tf.TensorInfo {
  return (backend as BackendWasmInternals).makeOutput(shape, dtype);
}

/** Byte offset of a tensor's data in the heap. */
export function heapOffset(backend: unknown, info: tf.TensorInfo): number {
  return (backend as BackendWasmInternals).dataIdMap.get(info.dataId).memoryOffset;
}

/**
 * The heap as bytes. Fetch it after every allocation: growing the memory replaces the
 * buffer (and emscripten replaces this view).
 */
export function heapBytes(backend: unknown): Uint8Array {
  return (backend as BackendWasmInternals).wasm.HEAPU8;
}
