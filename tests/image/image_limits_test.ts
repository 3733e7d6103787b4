import assert from "node:assert/strict";
import { decodeImage } from "../../lib/image/decode_image.ts";
import { ImageFileError } from "../../lib/image/image_file_error.ts";
import { readImageFile } from "../../lib/image/read_image_file.ts";
import { chunk, decodeInSubprocess, ihdr, png, zlibZeros } from "./_png_bombs.ts";

function rejects(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => decodeImage(bytes, "x.png"), (e) => {
    assert.ok(e instanceof ImageFileError, String(e));
    assert.match(e.message, message);
    return true;
  });
}

Deno.test("decodeImage() refuses a 1×1 PNG bomb in bounded memory, in a subprocess with a 64 MB heap", async () => {
  // 200 MB of zeros in a ~200 KB file; before the cap a 414 KB one took 1.28 GB.
  const bomb = png(
    ihdr(1, 1),
    chunk("IDAT", await zlibZeros(200)),
    chunk("IEND", new Uint8Array()),
  );
  const { message, peakKb } = await decodeInSubprocess(bomb);
  assert.match(message, /^bomb\.png: cannot decode PNG \(its image data inflates past the 2 bytes/);
  assert.ok(peakKb < 200_000, `peak RSS ${peakKb} kB`);
});

Deno.test("decodeImage() wants IHDR first and only once, before any pixel is inflated", () => {
  const idat = chunk("IDAT", new Uint8Array([0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1]));
  const end = chunk("IEND", new Uint8Array());
  rejects(
    png(chunk("tEXt", new TextEncoder().encode("a\0b")), ihdr(1, 1), idat, end),
    /first chunk is tEXt, not IHDR/,
  );
  rejects(png(ihdr(28, 28), ihdr(7000, 7000), idat, end), /more than one IHDR/);
  rejects(png(ihdr(1, 1), idat), /truncated|no IEND/);
  rejects(png(ihdr(5000, 5000), idat, end), /5000×5000 is too large \(at most 16 megapixels\)/);
});

Deno.test("decodeImage() applies the pixel cap to a JPEG's declared size too", () => {
  // SOI, then a baseline frame header declaring 5000×4000 with one component.
  const jpeg = new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0,
    11,
    8,
    0x0f,
    0xa0,
    0x13,
    0x88,
    1,
    1,
    0x11,
    0,
  ]);
  assert.throws(() => decodeImage(jpeg, "big.jpg"), /big\.jpg: 5000×4000 is too large/);
});

Deno.test("readImageFile() names a folder, a missing file and an endless input in one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(readImageFile(dir), new RegExp(`${dir}: is a folder, not an image file`));
    await assert.rejects(readImageFile(`${dir}/none.png`), /none\.png: no such file/);
    const endless = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(1 << 20)),
    });
    await assert.rejects(readImageFile("-", endless), (e) => {
      assert.ok(e instanceof ImageFileError);
      assert.match(e.message, /^standard input is larger than 67\.1 MB: not a digit image$/);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
