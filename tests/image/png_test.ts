import assert from "node:assert/strict";
import { encode } from "fast-png";
import { decodePng, encodePng, pngDataUri } from "../../lib/image/png.ts";
import type { Raster } from "../../lib/image/raster.ts";

Deno.test("encodePng() and decodePng() round-trip gray, RGB and RGBA rasters", async (t) => {
  for (const channels of [1, 2, 3, 4] as const) {
    await t.step(`${channels} channel(s)`, () => {
      const data = Uint8Array.from({ length: 5 * 3 * channels }, (_, i) => (i * 37) % 256);
      const raster: Raster = { width: 5, height: 3, channels, data };
      assert.deepEqual(decodePng(encodePng(raster)), raster);
    });
  }
});

Deno.test("decodePng() reduces 16-bit samples to 8 bits", () => {
  const png = encode({
    width: 2,
    height: 1,
    channels: 1,
    depth: 16,
    data: new Uint16Array([0xffff, 0x8000]),
  });
  assert.deepEqual(Array.from(decodePng(png).data), [255, 128]);
});

Deno.test("decodePng() expands palettes and unpacks 1-bit gray", () => {
  const indexed = encode({
    width: 3,
    height: 1,
    channels: 1,
    depth: 8,
    data: new Uint8Array([0, 1, 0]),
    palette: [[255, 0, 0], [0, 0, 255]],
  });
  const rgb = decodePng(indexed);
  assert.equal(rgb.channels, 3);
  assert.deepEqual(Array.from(rgb.data), [255, 0, 0, 0, 0, 255, 255, 0, 0]);
  // 10 pixels at 1 bit: 1010000011 → two bytes per row, the second padded with zeros.
  const bits = encode({
    width: 10,
    height: 1,
    channels: 1,
    depth: 1,
    data: new Uint8Array([0b10100000, 0b11000000]),
  });
  assert.deepEqual(Array.from(decodePng(bits).data), [255, 0, 255, 0, 0, 0, 0, 0, 255, 255]);
});

Deno.test("pngDataUri() base64-encodes the bytes", () => {
  assert.equal(pngDataUri(new Uint8Array([104, 105])), "data:image/png;base64,aGk=");
  const big = new Uint8Array(100_000).fill(65);
  assert.equal(atob(pngDataUri(big).split(",")[1]!).length, 100_000);
});
