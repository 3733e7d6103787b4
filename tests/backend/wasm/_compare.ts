/**
 * Helpers for checking wasm kernels against the `cpu` backend: seeded random inputs, one
 * kernel run on a named backend, and a relative error that fails on NaN.
 */
import * as tf from "@tensorflow/tfjs";
import { initWasmBackend } from "../../../lib/backend/wasm/init_wasm.ts";
import { registerWasmTrainingKernels } from "../../../lib/backend/wasm/register_training_kernels.ts";
import { mulberry32 } from "../../../lib/random.ts";

/** Largest relative error a kernel may show against `cpu`. */
export const TOLERANCE = 1e-4;

/** Initialises wasm (default flavour) with this library's kernels. */
export async function setupWasm(): Promise<void> {
  await initWasmBackend();
  registerWasmTrainingKernels();
}

/** An input for {@linkcode runKernelOn}: shape, values and dtype. */
export interface Input {
  shape: number[];
  values: Float32Array | Int32Array;
  dtype?: "float32" | "int32";
}

/** Seeded normal-ish floats (sum of uniforms), reproducible across backends. */
export function randomInput(shape: number[], seed: number, scale = 1): Input {
  const random = mulberry32(seed);
  const values = new Float32Array(tf.util.sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) {
    values[i] = (random() + random() + random() - 1.5) * scale;
  }
  return { shape, values };
}

/** Activates `name` (cpu without its Node banner). */
export async function use(name: "wasm" | "cpu"): Promise<void> {
  await tf.setBackend(name);
  if (name === "cpu") (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
}

/** Runs one kernel on `backend` and returns its (first) output's values and shape. */
export async function runKernelOn(
  backend: "wasm" | "cpu",
  kernel: string,
  inputs: Record<string, Input>,
  attrs: object,
): Promise<{ values: Float32Array | Int32Array | Uint8Array; shape: number[] }> {
  await use(backend);
  // Intermediates a kernel forgets to free (or inputs it keeps referenced) show up as
  // backend data ids, not as tensors.
  const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  const before = dataIds();
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, input] of Object.entries(inputs)) {
    tensors[name] = tf.tensor(input.values, input.shape, input.dtype ?? "float32");
  }
  const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap);
  const first = Array.isArray(out) ? out[0]! : out as tf.Tensor;
  const values = await first.data() as Float32Array | Int32Array | Uint8Array;
  const shape = first.shape;
  tf.dispose(out);
  tf.dispose(Object.values(tensors));
  const leaked = dataIds() - before;
  if (leaked !== 0) throw new Error(`${kernel} on ${backend} leaked ${leaked} buffer(s)`);
  return { values, shape };
}

/**
 * max |actual − expected| / max(max |expected|, 1e-6); Infinity when any value is NaN or the
 * lengths differ, so a NaN can never pass.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(a) || Number.isNaN(e)) return Infinity;
    diff = Math.max(diff, Math.abs(a - e));
    scale = Math.max(scale, Math.abs(e));
  }
  return diff / scale;
}

/** Runs a kernel on wasm and cpu and returns the relative error and both shapes. */
export async function compareWithCpu(
  kernel: string,
  inputs: Record<string, Input>,
  attrs: object,
): Promise<{ error: number; wasmShape: number[]; cpuShape: number[] }> {
  const wasm = await runKernelOn("wasm", kernel, inputs, attrs);
  const cpu = await runKernelOn("cpu", kernel, inputs, attrs);
  return {
    error: relativeError(wasm.values, cpu.values),
    wasmShape: wasm.shape,
    cpuShape: cpu.shape,
  };
}
