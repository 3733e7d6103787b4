/**
 * Decodes a PNG or JPEG file chosen by its leading bytes (not its name), so a user's
 * mislabelled file still works and a non-image gets a clear message.
 *
 * @module
 */
import jpeg from "jpeg-js";
import { decodePng } from "./png.ts";
import type { Raster } from "./raster.ts";
import { ImageFileError } from "./image_file_error.ts";
import { checkJpeg, MAX_MEGAPIXELS } from "./_image_limits.ts";
import { checkPng } from "./_png_check.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((value, i) => bytes[i] === value);
}

/**
 * Decodes PNG or JPEG bytes into an 8-bit raster.
 *
 * @param bytes The file's content.
 * @param name The file's name, used in error messages.
 * @returns The decoded image (1–4 channels).
 * @throws {ImageFileError} when the bytes are neither PNG nor JPEG, are corrupt, declare more
 * than 16 megapixels, or (PNG) do not start with one IHDR, inflate to other than what it
 * declares, or fail a CRC or the Adler-32.
 *
 * @example A non-image is refused
 * ```ts
 * import { decodeImage } from "./decode_image.ts";
 * let message = "";
 * try {
 *   decodeImage(new TextEncoder().encode("hello"), "notes.txt");
 * } catch (error) {
 *   message = (error as Error).message;
 * }
 * if (!message.includes("not a PNG or JPEG")) throw new Error(message);
 * ```
 */
export function decodeImage(bytes: Uint8Array, name = "image"): Raster {
  const isPng = startsWith(bytes, PNG_SIGNATURE);
  if (!isPng && !startsWith(bytes, JPEG_SIGNATURE)) {
    throw new ImageFileError(`${name}: not a PNG or JPEG image`);
  }
  // Before decoding: the header's size is capped, PNG data may not inflate past it, its
  // checksums must match, and the decoder gets only the chunks it needs.
  const checked = isPng ? checkPng(bytes, name) : (checkJpeg(bytes, name), bytes);
  let raster: Raster;
  try {
    raster = isPng ? decodePng(checked) : decodeJpeg(checked);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImageFileError(`${name}: cannot decode ${isPng ? "PNG" : "JPEG"} (${reason})`, {
      cause: error,
    });
  }
  if (raster.width === 0 || raster.height === 0) {
    throw new ImageFileError(`${name}: the image is empty (${raster.width}×${raster.height})`);
  }
  return raster;
}

function decodeJpeg(bytes: Uint8Array): Raster {
  const image = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: MAX_MEGAPIXELS,
    // jpeg-js's own default is 512 MB; 16 MP of RGBA plus its component planes fits in 256.
    maxMemoryUsageInMB: 256,
  });
  const { width, height, data } = image;
  const channels = data.length / (width * height);
  if (channels !== 1 && channels !== 3) throw new Error(`unexpected ${channels} channels`);
  return { width, height, channels, data: new Uint8Array(data) };
}
