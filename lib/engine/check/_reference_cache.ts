/**
 * A folder that keeps what the engine check computes on the CPU — the batch after tie
 * screening, and the float64 reference's loss, gradient and batchNorm state after the step — for the next run with the same
 * architecture, batch, optimizer, seed and dropout masks. CI's matrix runs the check once per
 * WebGPU implementation; cnn-deep at batch 1024 costs ~25 s of CPU in the reference alone, so
 * the second and third runs read it instead (`engine-check --reference-cache DIR`). Only a
 * fresh folder per matrix is safe: the key does not cover the code that computed the values.
 * This module holds the interface and the encoding (a page runs the check too); the folder
 * is `reference_dir_cache.ts`.
 *
 * @module
 */

/** The cache's interface (a folder under Deno: `dirReferenceCache`). */
export interface ReferenceCache {
  read(key: string): Promise<Uint8Array | null>;
  write(key: string, bytes: Uint8Array): Promise<void>;
}

/** A cache that keeps nothing. */
export const NO_REFERENCE_CACHE: ReferenceCache = Object.freeze({
  read: () => Promise.resolve(null),
  write: () => Promise.resolve(),
});

/** What the check keeps of a reference step. */
export interface CachedReference {
  lossSum: number;
  correct: number;
  grads: Float64Array;
  /** The state after the step (batchNorm's moving statistics; empty without one). */
  after: { state: Float64Array };
}

/** The loss sum, correct count, gradient and state after a reference step, as bytes. */
export function encodeReference(ref: CachedReference): Uint8Array<ArrayBuffer> {
  const out = new Float64Array(2 + ref.grads.length + ref.after.state.length);
  out.set([ref.lossSum, ref.correct]);
  out.set(ref.grads, 2);
  out.set(ref.after.state, 2 + ref.grads.length);
  return new Uint8Array(out.buffer);
}

/**
 * Decodes {@linkcode encodeReference}'s bytes; null when they do not hold `params` gradient
 * and `state` state values.
 */
export function decodeReference(
  bytes: Uint8Array,
  params: number,
  state: number,
): CachedReference | null {
  if (bytes.byteLength !== 8 * (2 + params + state)) return null;
  const all = new Float64Array(bytes.slice().buffer);
  const grads = all.subarray(2, 2 + params);
  return { lossSum: all[0]!, correct: all[1]!, grads, after: { state: all.subarray(2 + params) } };
}
