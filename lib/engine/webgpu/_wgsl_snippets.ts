/**
 * WGSL values the generators splice into kernels: exact f32 literals, the dropout hash and
 * its threshold, the ReLU′ gate, and uniform windows over a buffer (llvmpipe's cheap loads).
 *
 * @module
 */
import type { KernelBinding } from "./_kernel_binding.ts";

/** `[0, 1, …, n − 1]`: the unrolled indices of a generated block. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Largest uniform window (WebGPU's default `maxUniformBufferBindingSize`). */
const UNIFORM_BYTES = 65_536;
/** The largest `minUniformBufferOffsetAlignment` WebGPU allows, so any adapter accepts it. */
const UNIFORM_ALIGN = 256;

/**
 * A uniform window over `count` f32 elements of `buffer` from element `first`, read in
 * WGSL through the returned `at(index)` (an element index relative to `first`); null when
 * the window would exceed 64 KiB.
 */
export function uniformWindow(
  buffer: string,
  as: string,
  first: number,
  count: number,
): { binding: KernelBinding; at: (index: string) => string } | null {
  const offset = Math.floor((first * 4) / UNIFORM_ALIGN) * UNIFORM_ALIGN;
  const skip = first - offset / 4;
  const size = Math.ceil((skip + count) / 4) * 16;
  if (size > UNIFORM_BYTES) return null;
  return {
    binding: { buffer, as, type: "f32", write: false, uniform: { offset, size } },
    at: (index) => `${as}[(${index} + ${skip}u) / 4u][(${index} + ${skip}u) % 4u]`,
  };
}

/**
 * A WGSL `f32` literal equal to `Math.fround(x)` bit for bit (nine significant digits name
 * one f32 exactly; a literal, unlike `bitcast`, is also valid in constant expressions).
 */
export function lit(x: number): string {
  return `${Math.fround(x).toPrecision(9)}f`;
}

/**
 * Dropout's keep test for element `i` of the current step: a PCG hash of (seed, step, i)
 * compared with the rate, so the backward pass recomputes the forward mask instead of
 * storing it, and a seed replays bit for bit.
 */
export const DROPOUT_HASH = `fn pcg(x: u32) -> u32 {
  let s = x * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}
fn keep(seed: u32, step: u32, i: u32, threshold: u32) -> bool {
  return pcg(pcg(pcg(seed) ^ step) ^ i) >= threshold;
}`;

/** The u32 threshold of `keep` for a dropout rate (2³² · rate, clamped). */
export function dropoutThreshold(rate: number): number {
  return Math.min(0xffffffff, Math.floor(rate * 2 ** 32));
}

/** WGSL expression: `value` with ReLU′ of `act[i]` applied when `relu` is set. */
export function reluGate(relu: boolean, value: string, act: string): string {
  return relu ? `select(0.0, ${value}, ${act} > 0.0)` : value;
}
