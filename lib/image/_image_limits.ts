/**
 * The pixel cap, and the JPEG frame-header check that applies it before decoding (PNG's
 * header is checked in `_png_check.ts`): a 400 KB PNG can inflate to gigabytes (deflate
 * reaches ~1000:1), and `fast-png` accepts a second IHDR after the first and inflates without
 * a limit. Measured before these checks: a 414 KB 1×1 PNG took 1.28 GB.
 *
 * A JPEG holds no general-purpose compressed stream: jpeg-js's own allocation cap
 * (`maxMemoryUsageInMB`, set in `decode_image.ts`) bounds what its frame declares, and its
 * comment and APP segments are at most 64 KB each, inside the 64 MiB file cap.
 *
 * @module
 */
import { ImageFileError } from "./image_file_error.ts";

/**
 * Larger images are refused before decoding. A digit needs far fewer pixels; 16 MP admits a
 * 12 MP phone photo and keeps the worst case (16-bit RGBA) near 128 MB of inflated rows.
 */
export const MAX_MEGAPIXELS = 16;
/**
 * Applies the pixel cap.
 *
 * @throws {ImageFileError} when `width × height` is over {@linkcode MAX_MEGAPIXELS}.
 */
export function checkPixels(width: number, height: number, name: string): void {
  if (width * height > MAX_MEGAPIXELS * 1e6) {
    throw new ImageFileError(
      `${name}: ${width}×${height} is too large (at most ${MAX_MEGAPIXELS} megapixels)`,
    );
  }
}

/** JPEG markers that start a frame (SOF0–SOF15 except DHT, JPG and DAC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 &&
    marker !== 0xcc;
}

/**
 * Finds a JPEG's frame header and applies the pixel cap to the size it declares; a file
 * without one is left to the decoder to reject.
 *
 * @throws {ImageFileError} when the declared size is over the cap.
 */
export function checkJpeg(bytes: Uint8Array, name: string): void {
  let offset = 2;
  while (offset + 9 < bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1]!;
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (isStartOfFrame(marker)) {
      const height = (bytes[offset + 5]! << 8) | bytes[offset + 6]!;
      const width = (bytes[offset + 7]! << 8) | bytes[offset + 8]!;
      return checkPixels(width, height, name);
    }
    offset += 2 + length;
  }
}
