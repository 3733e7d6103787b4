import assert from "node:assert/strict";
import { createRaster, toGrayscale } from "../../lib/image/raster.ts";

Deno.test("createRaster() fills a buffer of the right size and rejects bad sizes", () => {
  const r = createRaster(3, 2, 4, 7);
  assert.equal(r.data.length, 24);
  assert.ok(r.data.every((v) => v === 7));
  assert.throws(() => createRaster(0, 2, 1), RangeError);
  assert.throws(() => createRaster(1.5, 2, 1), RangeError);
});

Deno.test("toGrayscale() weights RGB by luma and lays transparency over the background", () => {
  const rgb = {
    width: 3,
    height: 1,
    channels: 3 as const,
    data: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]),
  };
  assert.deepEqual(Array.from(toGrayscale(rgb).data), [76, 150, 29]);
  const rgba = {
    width: 2,
    height: 1,
    channels: 4 as const,
    data: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 255]),
  };
  assert.deepEqual(Array.from(toGrayscale(rgba, 255).data), [255, 0]);
  assert.deepEqual(Array.from(toGrayscale(rgba, 0).data), [0, 0]);
  const grayAlpha = { width: 1, height: 1, channels: 2 as const, data: new Uint8Array([200, 128]) };
  assert.equal(toGrayscale(grayAlpha, 0).data[0], 100);
});
