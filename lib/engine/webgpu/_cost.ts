/**
 * Cost arithmetic shared by the kernel generators (each kernel's `Cost` is computed by its
 * own generator from its shapes and tiling; these are the common pieces).
 *
 * @module
 */
import type { Shape3 } from "../plan.ts";

/** f32 elements of a tensor of `batch` samples of shape `s`. */
export function elements(batch: number, s: Shape3): number {
  return batch * s.h * s.w * s.c;
}

/**
 * (output index, tap) pairs along one axis of a stride-1 convolution whose input index
 * `o + t − pad` is inside [0, inSize): for each tap, the outputs it reaches.
 */
export function axisTaps(inSize: number, outSize: number, k: number, pad: number): number {
  let n = 0;
  for (let t = 0; t < k; t++) {
    n += Math.max(0, Math.min(outSize, inSize + pad - t) - Math.max(0, pad - t));
  }
  return n;
}

/** Multiply-adds of a stride-1 conv from `src` to `dst` (zero-padding taps excluded). */
export function convProducts(
  batch: number,
  src: Shape3,
  dst: Shape3,
  k: number,
  pad: number,
): number {
  return batch * axisTaps(src.h, dst.h, k, pad) * axisTaps(src.w, dst.w, k, pad) * src.c * dst.c;
}
