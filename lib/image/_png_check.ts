/**
 * Walks a PNG's chunks before `fast-png` sees it, so that memory stays bounded by what the
 * header declares and an altered file is refused:
 * - IHDR first and only once, every chunk inside the file, the pixel cap;
 * - every chunk's CRC (fast-png skips them by default);
 * - the image data inflated once with a cap at the size IHDR implies, which it must reach
 *   exactly, and its Adler-32 (fflate skips it);
 * - every ancillary chunk but tRNS is dropped unread before decoding. fast-png inflated an
 *   iCCP profile with no cap: a 1 MB file whose iCCP held a 1 GiB zlib stream peaked at
 *   2.26 GB (4 GiB: past 7 GB). We use no colour profile, text or metadata.
 *
 * @module
 */
import { Unzlib } from "fflate";
import { adler32, crc32 } from "../codec/checksums.ts";
import { ImageFileError } from "./image_file_error.ts";
import { checkPixels } from "./_image_limits.ts";

/** Input is fed to the inflater in slices this big, so one slice inflates to ≤ ~1 MB. */
const FEED_BYTES = 1024;
/** The chunks the decoder needs (tRNS: a palette's alpha); all others are dropped. */
const KEPT = new Set(["IHDR", "PLTE", "tRNS", "IDAT", "IEND"]);
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

type Fail = (why: string) => never;

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

/** Checks IHDR's fields and the pixel cap; returns the inflated size it implies. */
function readHeader(data: Uint8Array, name: string, fail: Fail): number {
  if (data.length !== 13) fail(`IHDR is ${data.length} bytes, not 13`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const [width, height] = [view.getUint32(0), view.getUint32(4)];
  const depth = data[8]!;
  const colour = COLOUR_TYPES[data[9]!];
  if (!colour || !colour.depths.includes(depth)) fail("unsupported colour type or bit depth");
  checkPixels(width, height, name);
  return inflatedSize(width, height, colour!.samples * depth, data[12] === 1);
}

/**
 * The image data's zlib stream, inflated as it arrives and thrown away: it may not pass
 * `expected` bytes, must reach it exactly, and must match its Adler-32.
 */
function imageDataCheck(expected: number, fail: Fail) {
  let inflated = 0;
  let adler = 1;
  let tail = new Uint8Array(0);
  const inflater = new Unzlib((chunk) => {
    inflated += chunk.length;
    if (inflated > expected) {
      fail(`its image data inflates past the ${expected} bytes its header implies`);
    }
    adler = adler32(adler, chunk);
  });
  const push = (data: Uint8Array, final: boolean): void => {
    try {
      inflater.push(data, final);
    } catch (error) {
      if (error instanceof ImageFileError) throw error;
      fail(`corrupt image data: ${(error as Error).message}`);
    }
  };
  return {
    push(data: Uint8Array): void {
      for (let at = 0; at < data.length; at += FEED_BYTES) {
        push(data.subarray(at, at + FEED_BYTES), false);
      }
      const last = data.subarray(Math.max(0, data.length - 4));
      const joined = new Uint8Array(tail.length + last.length);
      joined.set(tail);
      joined.set(last, tail.length);
      tail = joined.slice(-4);
    },
    finish(): void {
      push(new Uint8Array(0), true);
      if (inflated !== expected) {
        fail(`its image data inflates to ${inflated} bytes; its header implies ${expected}`);
      }
      const stored = tail.length === 4 ? new DataView(tail.buffer).getUint32(0) : -1;
      if (stored !== adler) fail("its image data fails its Adler-32 checksum (altered or corrupt)");
    },
  };
}

/**
 * Checks a PNG (see the module doc) and returns it with only the chunks the decoder needs.
 *
 * @param bytes The file's bytes (the PNG signature already checked).
 * @param name The file's name, for messages.
 * @returns A PNG of the IHDR, PLTE, tRNS, IDAT and IEND chunks.
 * @throws {ImageFileError} naming the file and what is wrong.
 */
export function checkPng(bytes: Uint8Array, name: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail: Fail = (why) => {
    throw new ImageFileError(`${name}: cannot decode PNG (${why})`);
  };
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let data: ReturnType<typeof imageDataCheck> | undefined;
  let offset = 8;
  for (let index = 0;; index++) {
    if (offset + 8 > bytes.length) fail("truncated: no IEND chunk");
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const start = offset + 8;
    if (start + length + 4 > bytes.length) fail(`truncated ${type} chunk`);
    if (crc32(0, bytes.subarray(offset + 4, start + length)) !== view.getUint32(start + length)) {
      fail(`the ${type} chunk's CRC does not match its data (altered or corrupt)`);
    }
    if ((index === 0) !== (type === "IHDR")) {
      fail(index === 0 ? `the first chunk is ${type}, not IHDR` : "more than one IHDR chunk");
    }
    const body = bytes.subarray(start, start + length);
    if (type === "IHDR") data = imageDataCheck(readHeader(body, name, fail), fail);
    if (type === "IDAT") data!.push(body);
    if (KEPT.has(type)) kept.push(bytes.subarray(offset, start + length + 4));
    if (type === "IEND") break;
    offset = start + length + 4;
  }
  data!.finish();
  const out = new Uint8Array(kept.reduce((n, part) => n + part.length, 0));
  kept.reduce((at, part) => (out.set(part, at), at + part.length), 0);
  return out;
}
