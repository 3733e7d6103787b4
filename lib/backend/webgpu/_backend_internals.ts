/**
 * A typed view of the parts of tfjs-backend-webgpu's `WebGPUBackend` (4.22) that the packed
 * image gather and the error guard need but that its public typings mark private. Everything that touches those
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

/** The internal `WebGPUBackend` members used here. */
export interface WebGpuBackendInternals {
  device: GPUDevice;
  read(dataId: object): Promise<unknown>;
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
