/**
 * Shared pieces of the webgpu kernel tests: the adapter gate, seeded random inputs, running
 * one computation on the `cpu` and the `webgpu` backend, and the relative-error check.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";

/** True when this runtime has a WebGPU adapter (llvmpipe counts); tests skip without one. */
export const HAS_WEBGPU: boolean = typeof navigator !== "undefined" && "gpu" in navigator &&
  (await navigator.gpu.requestAdapter()) !== null;

/** The tolerance of every kernel comparison: ‖actual − expected‖∞ / ‖expected‖∞. */
export const MAX_RELATIVE_ERROR = 1e-4;

/** A tensor's data and shape, independent of any backend. */
export interface HostTensor {
  shape: number[];
  values: Float32Array;
}

/** Deterministic values in [-1, 1) (a small LCG), so failures reproduce. */
export function randomHost(shape: number[], seed: number): HostTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return { shape, values };
}

/** Makes a tensor on the active backend from host data. */
export function toTensor(host: HostTensor): tf.Tensor {
  return tf.tensor(host.values, host.shape, "float32");
}

/** Activates a backend for a test (and silences tfjs' Node banner on `cpu`). */
export async function useBackend(name: "cpu" | "webgpu"): Promise<void> {
  assert.ok(await tf.setBackend(name), `backend ${name} did not initialise`);
  await tf.ready();
  if (name === "cpu") (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
}

/**
 * Runs `compute` on a backend and downloads its result; every tensor it made is freed.
 */
export async function runOn(
  backend: "cpu" | "webgpu",
  compute: () => tf.Tensor,
): Promise<HostTensor> {
  await useBackend(backend);
  const result = tf.tidy(compute);
  const values = await result.data() as Float32Array;
  const shape = result.shape;
  result.dispose();
  return { shape, values: Float32Array.from(values) };
}

/**
 * Asserts ‖actual − expected‖∞ ≤ tolerance · ‖expected‖∞ with equal shapes. Any NaN (in
 * either tensor) fails, as does an all-zero result against a non-zero expectation.
 */
export function assertClose(
  actual: HostTensor,
  expected: HostTensor,
  tolerance = MAX_RELATIVE_ERROR,
): void {
  assert.deepEqual(actual.shape, expected.shape, "shapes differ");
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.values.length; i++) {
    const a = actual.values[i]!;
    const e = expected.values[i]!;
    assert.ok(!Number.isNaN(a) && !Number.isNaN(e), `NaN at flat index ${i}`);
    maxDiff = Math.max(maxDiff, Math.abs(a - e));
    maxRef = Math.max(maxRef, Math.abs(e));
  }
  const relative = maxRef === 0 ? maxDiff : maxDiff / maxRef;
  assert.ok(relative <= tolerance, `relative error ${relative} > ${tolerance}`);
}
