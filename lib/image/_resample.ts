/**
 * Area-average resampling of a one-channel float image: each output pixel is the mean of the
 * source area it covers, so shrinking a large photo to 20×20 keeps thin strokes (nearest
 * neighbour would drop them) the way MNIST's anti-aliased digits were made.
 *
 * @module
 */

/** Resamples a row-major `width × height` float image to `outWidth × outHeight`. */
export function resampleArea(
  src: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const rows = new Float32Array(outWidth * height);
  for (let y = 0; y < height; y++) {
    resample1d(src, y * width, 1, width, rows, y * outWidth, 1, outWidth);
  }
  const out = new Float32Array(outWidth * outHeight);
  for (let x = 0; x < outWidth; x++) {
    resample1d(rows, x, outWidth, height, out, x, outWidth, outHeight);
  }
  return out;
}

/** Resamples `n` strided samples to `m` strided samples by overlap-weighted means. */
function resample1d(
  src: Float32Array,
  srcStart: number,
  srcStride: number,
  n: number,
  dst: Float32Array,
  dstStart: number,
  dstStride: number,
  m: number,
): void {
  const scale = n / m;
  for (let i = 0; i < m; i++) {
    const from = i * scale;
    const to = from + scale;
    let sum = 0;
    for (let j = Math.floor(from); j < Math.min(n, Math.ceil(to)); j++) {
      const overlap = Math.min(to, j + 1) - Math.max(from, j);
      sum += overlap * src[srcStart + j * srcStride]!;
    }
    dst[dstStart + i * dstStride] = sum / scale;
  }
}
