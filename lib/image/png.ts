/**
 * PNG encoding and decoding through `fast-png` (pure JavaScript, works in Deno with no
 * permissions), normalised to the 8-bit {@linkcode Raster} of this library.
 *
 * @module
 */
import { convertIndexedToRgb, decode, encode } from "fast-png";
import type { Raster } from "./raster.ts";

/**
 * Encodes a raster as an 8-bit PNG.
 *
 * @param raster Image to encode.
 * @returns The PNG file's bytes.
 *
 * @example Encode a 1×1 black pixel
 * ```ts
 * import { encodePng } from "./png.ts";
 * const png = encodePng({ width: 1, height: 1, channels: 1, data: new Uint8Array([0]) });
 * if (png[1] !== 0x50) throw new Error("not a PNG");
 * ```
 */
export function encodePng(raster: Raster): Uint8Array {
  const { width, height, channels, data } = raster;
  return encode({ width, height, channels, depth: 8, data });
}

/**
 * Decodes a PNG of any colour type and bit depth into an 8-bit raster (palettes expanded,
 * 16-bit samples reduced, 1/2/4-bit gray unpacked).
 *
 * @param bytes The PNG file's bytes.
 * @returns The decoded image.
 * @throws {Error} from `fast-png` when the bytes are not a valid PNG.
 *
 * @example Round trip
 * ```ts
 * import { decodePng, encodePng } from "./png.ts";
 * const raster = { width: 2, height: 1, channels: 1 as const, data: new Uint8Array([0, 255]) };
 * const back = decodePng(encodePng(raster));
 * if (back.data[1] !== 255) throw new Error("round trip failed");
 * ```
 */
export function decodePng(bytes: Uint8Array): Raster {
  const png = decode(bytes);
  const { width, height } = png;
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    return { width, height, channels: png.palette[0]?.length === 4 ? 4 : 3, data: rgb };
  }
  const channels = png.channels as Raster["channels"];
  if (png.depth === 16) {
    return { width, height, channels, data: Uint8Array.from(png.data, (v) => v >> 8) };
  }
  if (png.depth === 8) return { width, height, channels, data: new Uint8Array(png.data) };
  return { width, height, channels: 1, data: unpackGray(png.data, width, height, png.depth) };
}

/** Expands packed 1/2/4-bit gray rows (each row starts on a byte) to 0–255. */
function unpackGray(packed: ArrayLike<number>, width: number, height: number, depth: number) {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)]!;
      const value = (byte >> (8 - depth - (bit & 7))) & max;
      out[y * width + x] = Math.round((value * 255) / max);
    }
  }
  return out;
}

/**
 * Wraps PNG bytes in a `data:` URI, for self-contained HTML and SVG.
 *
 * @param png The PNG file's bytes.
 * @returns `data:image/png;base64,…`
 *
 * @example
 * ```ts
 * import { pngDataUri } from "./png.ts";
 * if (!pngDataUri(new Uint8Array([1])).startsWith("data:image/png;base64,")) throw new Error();
 * ```
 */
export function pngDataUri(png: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < png.length; i += 0x8000) {
    binary += String.fromCharCode(...png.subarray(i, i + 0x8000));
  }
  return `data:image/png;base64,${btoa(binary)}`;
}
