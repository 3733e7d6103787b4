/**
 * A typed view of the parts of tfjs-backend-webgpu's `WebGPUBackend` (4.22) that the kernel
 * pack needs but that its public typings mark private. Everything that touches those
 * internals goes through this file, so a tfjs upgrade has one place to check.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** A tfjs tensor handle as kernels see it (`TensorInfo`). */
export interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

/** A program-defined uniform, as `runWebGPUProgram` takes it. */
export interface ProgramUniform {
  type: "int32" | "uint32" | "float32";
  data: number[];
}

/** The program object `runWebGPUProgram` compiles and dispatches (tfjs' `WebGPUProgram`). */
export interface WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames: string[];
  variableComponents?: number[];
  outputComponent?: number;
  workgroupSize: [number, number, number];
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  size?: boolean;
  uniforms?: string;
  getUserCode(): string;
}

interface TensorData {
  values: unknown;
  resource: unknown;
  refCount: number;
}

/** The internal `WebGPUBackend` members used here. */
export interface WebGpuBackendInternals {
  device: GPUDevice;
  tensorMap: { get(dataId: object): TensorData | undefined };
  commandQueueOwnedIds: WeakSet<object>;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  uploadToGPU(dataId: object): void;
  read(dataId: object): Promise<unknown>;
  refCount(dataId: object): number;
  disposeData(dataId: object, force?: boolean): boolean;
  runWebGPUProgram(
    program: WebGpuProgram,
    inputs: TensorInfo[],
    outputDtype: tf.DataType,
    uniforms?: ProgramUniform[],
    output?: TensorInfo,
  ): TensorInfo;
}

/** Views a tfjs backend object (a kernel's `backend` argument) as the WebGPU internals. */
export function asWebGpuBackend(backend: unknown): WebGpuBackendInternals {
  return backend as WebGpuBackendInternals;
}

/**
 * The GPU buffer behind a tensor, uploading it first when its values are still on the CPU.
 *
 * @throws {TypeError} when the tensor is not backed by a GPU buffer (e.g. a texture).
 */
export function gpuBufferOf(backend: WebGpuBackendInternals, dataId: object): GPUBuffer {
  backend.uploadToGPU(dataId);
  const resource = backend.tensorMap.get(dataId)?.resource;
  if (!(resource instanceof GPUBuffer)) {
    throw new TypeError("Expected a tensor backed by a GPUBuffer on the webgpu backend");
  }
  return resource;
}

/**
 * Marks a tensor's GPU buffer as rewritten outside tfjs: drops any CPU copy that a
 * `data()` call cached, which would otherwise be returned stale by the next read.
 */
export function invalidateCpuCopy(backend: WebGpuBackendInternals, dataId: object): void {
  const data = backend.tensorMap.get(dataId);
  if (data) data.values = null;
  writes.set(dataId, (writes.get(dataId) ?? 0) + 1);
}

const writes = new WeakMap<object, number>();

/**
 * How many times a tensor's buffer was rewritten outside tfjs. A `data()` that was in flight
 * across a rewrite caches the values it copied before it, so the read guard compares this
 * count before and after each readback (`gpu_errors.ts`).
 */
export function writeCount(dataId: object): number {
  return writes.get(dataId) ?? 0;
}
