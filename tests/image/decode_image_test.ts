import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { decodeImage } from "../../lib/image/decode_image.ts";
import { encodePng } from "../../lib/image/png.ts";
import { ImageFileError } from "../../lib/image/image_file_error.ts";
import { ihdr, png as pngFile } from "./_png_bombs.ts";
import { UsageError } from "../../lib/errors.ts";

Deno.test("decodeImage() decodes PNG and JPEG by their leading bytes", () => {
  const png = encodePng({ width: 4, height: 2, channels: 1, data: new Uint8Array(8).fill(9) });
  assert.deepEqual(decodeImage(png, "a.jpg"), {
    width: 4,
    height: 2,
    channels: 1,
    data: new Uint8Array(8).fill(9),
  });

  const rgba = new Uint8Array(16 * 8 * 4).fill(200);
  const file = jpeg.encode({ width: 16, height: 8, data: rgba }, 95).data;
  const decoded = decodeImage(new Uint8Array(file), "photo.jpg");
  assert.equal(decoded.width, 16);
  assert.equal(decoded.height, 8);
  assert.equal(decoded.channels, 3);
  assert.ok(Math.abs(decoded.data[0]! - 200) <= 3, `JPEG is lossy, got ${decoded.data[0]}`);
});

Deno.test("decodeImage() rejects non-images, truncated files and huge images with ImageFileError", async (t) => {
  const png = encodePng({ width: 4, height: 4, channels: 1, data: new Uint8Array(16) });
  // The same file with its IHDR (signature 8 bytes, IHDR 25) declaring 100000×100000.
  const huge = pngFile(ihdr(100_000, 100_000), png.subarray(33));
  const cases: [string, Uint8Array, RegExp][] = [
    ["text", new TextEncoder().encode("not an image"), /notes: not a PNG or JPEG image/],
    ["empty", new Uint8Array(0), /not a PNG or JPEG image/],
    ["truncated PNG", png.subarray(0, 30), /notes: cannot decode PNG/],
    ["truncated JPEG", new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]), /cannot decode JPEG/],
    ["huge", huge, /100000×100000 is too large/],
  ];
  for (const [name, bytes, message] of cases) {
    await t.step(name, () => {
      assert.throws(() => decodeImage(bytes, "notes"), (e) => {
        assert.ok(e instanceof ImageFileError && e instanceof UsageError);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
