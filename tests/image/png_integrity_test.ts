/**
 * Issue 19's image cases: an ancillary chunk holding a zlib bomb, and pixel data altered
 * after encoding (caught by the chunk CRC, or by zlib's Adler-32 when the CRC was redone).
 */
import assert from "node:assert/strict";
import { zlibSync } from "fflate";
import { decodeImage } from "../../lib/image/decode_image.ts";
import { ImageFileError } from "../../lib/image/image_file_error.ts";
import { chunk, decodeInSubprocess, ihdr, png, zlibZeros } from "./_png_bombs.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const END = chunk("IEND", new Uint8Array());

/** A 28×28 gray image with a bright square, stored uncompressed (level 0) so bytes can be edited. */
function storedIdat(): Uint8Array {
  const rows = new Uint8Array(28 * 29);
  for (let y = 8; y < 20; y++) rows.fill(255, y * 29 + 9, y * 29 + 21);
  return zlibSync(rows, { level: 0 });
}

/** Where a pixel of row 10 sits in {@linkcode storedIdat}: zlib header, stored-block header. */
const PIXEL = 2 + 5 + 29 * 10 + 12;

function flip(bytes: Uint8Array, at: number): Uint8Array {
  bytes[at] = bytes[at]! ^ 0x40;
  return bytes;
}

function refuses(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => decodeImage(bytes, "x.png"), (e) => {
    assert.ok(e instanceof ImageFileError, String(e));
    assert.match(e.message, message);
    return true;
  });
}

Deno.test("decodeImage() never inflates an ancillary chunk: a 1 GiB iCCP bomb in a 1 MB file decodes in bounded memory", async () => {
  // iCCP: profile name, NUL, compression method 0, then the zlib stream (1 GiB of zeros).
  const profile = await zlibZeros(1024);
  const iccp = new Uint8Array(5 + profile.length);
  iccp.set(new TextEncoder().encode("icc\0\0"));
  iccp.set(profile, 5);
  const bomb = png(ihdr(28, 28), chunk("iCCP", iccp), chunk("IDAT", storedIdat()), END);
  assert.ok(bomb.length < 1_200_000, `${bomb.length} bytes`);
  const { message, peakKb } = await decodeInSubprocess(bomb);
  assert.equal(message, "decoded");
  // Before: 2.06 GB peak. The runtime alone is ~50 MB.
  assert.ok(peakKb < 200_000, `peak RSS ${peakKb} kB`);
});

Deno.test("decodeImage() checks every chunk's CRC, ancillary ones too", () => {
  const idat = chunk("IDAT", storedIdat());
  assert.equal(decodeImage(png(ihdr(28, 28), idat, END), "x.png").width, 28);
  const altered = flip(idat.slice(), 8 + PIXEL); // the CRC is left as it was
  refuses(
    png(ihdr(28, 28), altered, END),
    /^x\.png: cannot decode PNG \(the IDAT chunk's CRC does not match its data/,
  );
  const text = chunk("tEXt", new TextEncoder().encode("Comment\0hi"));
  flip(text, text.length - 1);
  refuses(png(ihdr(28, 28), text, idat, END), /the tEXt chunk's CRC does not match/);
});

Deno.test("decodeImage() checks zlib's Adler-32: pixel data altered and the chunk CRC redone is refused", () => {
  const data = flip(storedIdat(), PIXEL);
  refuses(
    png(ihdr(28, 28), chunk("IDAT", data), END),
    /^x\.png: cannot decode PNG \(its image data fails its Adler-32 checksum/,
  );
  // Data that inflates to less than the header implies is refused too (fast-png read past it).
  refuses(
    png(ihdr(28, 28), chunk("IDAT", zlibSync(new Uint8Array(28 * 29 - 29))), END),
    /inflates to 783 bytes; its header implies 812/,
  );
});

Deno.test("predict --image: an image whose pixel data was altered is one line, exit 2", async () => {
  const dir = `models/.test-png-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(`${ROOT}${dir}`, { recursive: true });
  try {
    const data = flip(storedIdat(), PIXEL);
    await Deno.writeFile(`${ROOT}${dir}/digit.png`, png(ihdr(28, 28), chunk("IDAT", data), END));
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", "-q", "predict", "--model", dir, "--image", `${dir}/digit.png`],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 2, stderr);
    assert.match(
      stderr,
      /^error: .*digit\.png: cannot decode PNG \(its image data fails its Adler-32 checksum.*\n(Run "deno task predict --help" for usage\.\n)?$/,
    );
  } finally {
    await Deno.remove(`${ROOT}${dir}`, { recursive: true });
  }
});
