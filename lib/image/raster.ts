/**
 * The in-memory image every helper of `lib/image/` passes around: 8-bit samples, row-major,
 * interleaved channels. Decoders return it, grids compose it, the PNG encoder writes it.
 *
 * @module
 */

/** An 8-bit image: 1 = gray, 2 = gray + alpha, 3 = RGB, 4 = RGBA. */
export interface Raster {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Samples per pixel. */
  channels: 1 | 2 | 3 | 4;
  /** `width × height × channels` samples, row-major, channels interleaved. */
  data: Uint8Array;
}

/**
 * Creates a raster filled with one value.
 *
 * @param width Width in pixels (> 0).
 * @param height Height in pixels (> 0).
 * @param channels Samples per pixel.
 * @param fill Value of every sample.
 * @returns A new raster.
 * @throws {RangeError} when a size is not a positive integer.
 *
 * @example Create a white 2×2 RGB raster
 * ```ts
 * import { createRaster } from "./raster.ts";
 * const white = createRaster(2, 2, 3, 255);
 * if (white.data.length !== 12) throw new Error("wrong size");
 * ```
 */
export function createRaster(
  width: number,
  height: number,
  channels: Raster["channels"],
  fill = 0,
): Raster {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`Raster size must be positive integers, got ${width}×${height}`);
  }
  return { width, height, channels, data: new Uint8Array(width * height * channels).fill(fill) };
}

/**
 * Converts any raster to one gray channel (Rec. 601 luma). Transparent pixels are laid over
 * `background`, so a transparent PNG keeps its drawing.
 *
 * @param raster Source image.
 * @param background Gray value (0–255) under transparent pixels.
 * @returns A one-channel raster of the same size.
 *
 * @example Gray of pure red
 * ```ts
 * import { toGrayscale } from "./raster.ts";
 * const gray = toGrayscale({ width: 1, height: 1, channels: 3, data: new Uint8Array([255, 0, 0]) });
 * if (gray.data[0] !== 76) throw new Error("unexpected luma");
 * ```
 */
export function toGrayscale(raster: Raster, background = 255): Raster {
  const { width, height, channels, data } = raster;
  if (channels === 1) return { width, height, channels, data: data.slice() };
  const out = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += channels) {
    const luma = channels >= 3
      ? 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!
      : data[p]!;
    const alpha = channels === 2 ? data[p + 1]! : channels === 4 ? data[p + 3]! : 255;
    out[i] = Math.round((luma * alpha + background * (255 - alpha)) / 255);
  }
  return { width, height, channels: 1, data: out };
}
