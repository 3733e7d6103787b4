/**
 * The two checksums of the compressed formats we read: CRC-32 (PNG chunks, gzip members)
 * and Adler-32 (zlib streams, i.e. PNG image data). `fflate` and `fast-png` skip both by
 * default, so an altered file would decode to altered pixels; these run at ~0.5–1 GB/s,
 * a few milliseconds for a digit photo.
 *
 * @module
 */

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * Updates a CRC-32 (the polynomial of PNG, gzip and zip) with more bytes.
 *
 * @param crc The CRC so far (0 to start).
 * @param bytes The next bytes.
 * @returns The CRC of everything so far, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * import { crc32 } from "./checksums.ts";
 * if (crc32(0, new TextEncoder().encode("123456789")) !== 0xcbf43926) throw new Error();
 * ```
 */
export function crc32(crc: number, bytes: Uint8Array): number {
  const t = crcTable();
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Updates an Adler-32 (zlib's checksum of the uncompressed data) with more bytes.
 *
 * @param adler The checksum so far (1 to start).
 * @param bytes The next bytes.
 * @returns The checksum of everything so far, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * import { adler32 } from "./checksums.ts";
 * if (adler32(1, new TextEncoder().encode("Wikipedia")) !== 0x11e60398) throw new Error();
 * ```
 */
export function adler32(adler: number, bytes: Uint8Array): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  // 5552 bytes is the most that can be summed before b could pass 2^32 (zlib's NMAX).
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(start + 5552, bytes.length);
    for (let i = start; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
