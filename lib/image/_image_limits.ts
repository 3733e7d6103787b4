/**
 * Checks a PNG or JPEG file's declared size before any pixel is decoded, so memory stays
 * bounded by what the header declares: a 400 KB PNG can inflate to gigabytes (deflate
 * reaches ~1000:1), and `fast-png` accepts a second IHDR after the first and inflates without
 * a limit. Measured before this check: a 414 KB 1×1 PNG took 1.28 GB.
 *
 * @module
 */
import { Unzlib } from "fflate";
import { ImageFileError } from "./image_file_error.ts";

/**
 * Larger images are refused before decoding. A digit needs far fewer pixels; 16 MP admits a
 * 12 MP phone photo and keeps the worst case (16-bit RGBA) near 128 MB of inflated rows.
 */
export const MAX_MEGAPIXELS = 16;
/** Input is fed to the inflater in slices this big, so one slice inflates to ≤ ~1 MB. */
const FEED_BYTES = 1024;
/** Samples per pixel by PNG colour type, and the bit depths each allows. */
const COLOUR_TYPES: Record<number, { samples: number; depths: number[] }> = {
  0: { samples: 1, depths: [1, 2, 4, 8, 16] },
  2: { samples: 3, depths: [8, 16] },
  3: { samples: 1, depths: [1, 2, 4, 8] },
  4: { samples: 2, depths: [8, 16] },
  6: { samples: 4, depths: [8, 16] },
};
/** Adam7 passes: [x start, y start, x step, y step]. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [
  0,
  1,
  1,
  2,
]] as const;

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

/** Bytes of filtered scanlines (one filter byte per row) a PNG of this header inflates to. */
function inflatedSize(width: number, height: number, bits: number, interlaced: boolean): number {
  const rows = (w: number, h: number) => (w === 0 ? 0 : h * (1 + Math.ceil((w * bits) / 8)));
  if (!interlaced) return rows(width, height);
  return ADAM7.reduce(
    (sum, [x0, y0, dx, dy]) =>
      sum + rows(Math.ceil(Math.max(0, width - x0) / dx), Math.ceil(Math.max(0, height - y0) / dy)),
    0,
  );
}

/**
 * Walks a PNG's chunks: IHDR first and only once, chunk lengths inside the file, the pixel
 * cap, then inflates the IDAT data with a cap at the size the header implies.
 *
 * @throws {ImageFileError} naming the file and what is wrong.
 */
export function checkPng(bytes: Uint8Array, name: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new ImageFileError(`${name}: cannot decode PNG (${why})`);
  };
  let expected = -1;
  let inflated = 0;
  const inflater = new Unzlib((chunk) => {
    inflated += chunk.length;
    if (inflated > expected) {
      fail(`its image data inflates past the ${expected} bytes its header implies`);
    }
  });
  const push = (data: Uint8Array, final = false): void => {
    try {
      inflater.push(data, final);
    } catch (error) {
      if (error instanceof ImageFileError) throw error;
      fail(`corrupt image data: ${(error as Error).message}`);
    }
  };
  let offset = 8;
  for (let index = 0;; index++) {
    if (offset + 8 > bytes.length) fail("truncated: no IEND chunk");
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const start = offset + 8;
    if (start + length + 4 > bytes.length) fail(`truncated ${type} chunk`);
    if ((index === 0) !== (type === "IHDR")) {
      fail(index === 0 ? `the first chunk is ${type}, not IHDR` : "more than one IHDR chunk");
    }
    if (type === "IHDR") {
      if (length !== 13) fail(`IHDR is ${length} bytes, not 13`);
      const width = view.getUint32(start);
      const height = view.getUint32(start + 4);
      const depth = bytes[start + 8]!;
      const colour = COLOUR_TYPES[bytes[start + 9]!];
      if (!colour || !colour.depths.includes(depth)) fail("unsupported colour type or bit depth");
      checkPixels(width, height, name);
      expected = inflatedSize(width, height, colour!.samples * depth, bytes[start + 12] === 1);
    } else if (type === "IDAT") {
      for (let at = start; at < start + length; at += FEED_BYTES) {
        push(bytes.subarray(at, Math.min(at + FEED_BYTES, start + length)));
      }
    } else if (type === "IEND") {
      break;
    }
    offset = start + length + 4;
  }
  if (expected < 0) fail("no IHDR chunk");
  push(new Uint8Array(0), true);
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
