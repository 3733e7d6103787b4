import assert from "node:assert/strict";
import { preprocessDigit, preprocessDigitImage } from "../../lib/image/preprocess_digit.ts";
import { encodePng } from "../../lib/image/png.ts";
import { ImageFileError } from "../../lib/image/image_file_error.ts";
import type { Raster } from "../../lib/image/raster.ts";

/** A `width × height` gray canvas with `paint(x, y)` deciding ink pixels. */
function draw(
  width: number,
  height: number,
  paint: (x: number, y: number) => boolean,
  ink = 20,
  paper = 235,
): Raster {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = paint(x, y) ? ink : paper;
  }
  return { width, height, channels: 1, data };
}

/** Centre of mass and ink bounding box of a 28×28 result. */
function measure(pixels: Uint8Array) {
  let mass = 0, mx = 0, my = 0, x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  pixels.forEach((v, i) => {
    if (v === 0) return;
    const x = i % 28, y = Math.floor(i / 28);
    mass += v, mx += v * (x + 0.5), my += v * (y + 0.5);
    x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
  });
  return { cx: mx / mass, cy: my / mass, width: x1 - x0 + 1, height: y1 - y0 + 1, mass };
}

Deno.test("preprocessDigitImage() inverts a dark-on-light '1' drawn off-centre and centres it by mass", () => {
  // A thick stroke in the top-left corner of a 120×90 photo-like image.
  const image = draw(120, 90, (x, y) => x >= 10 && x < 22 && y >= 5 && y < 65);
  const digit = preprocessDigitImage(encodePng(image), "one.png");
  assert.equal(digit.inverted, true);
  assert.deepEqual(digit.inkBox, { x: 10, y: 5, width: 12, height: 60 });
  assert.deepEqual(digit.source, { width: 120, height: 90 });
  const m = measure(digit.pixels);
  assert.ok(Math.abs(m.cx - 14) <= 0.75 && Math.abs(m.cy - 14) <= 0.75, `centre ${m.cx}, ${m.cy}`);
  assert.equal(m.height, 20, "the long side is scaled to 20 px");
  assert.ok(m.width >= 4 && m.width <= 5, `aspect kept: width ${m.width}`);
  assert.equal(Math.max(...digit.pixels), 255, "ink is white after inversion");
  assert.equal(digit.pixels[0], 0, "background is black");
  assert.equal(digit.floats[14 * 28 + 14], digit.pixels[14 * 28 + 14]! / 255);
});

Deno.test("preprocessDigit() keeps light-on-dark input, fits a wide ring into 20×20", () => {
  const ring = (x: number, y: number) => {
    const d = Math.hypot((x - 150) / 2, y - 40);
    return d > 20 && d < 30;
  };
  const digit = preprocessDigit(draw(200, 100, ring, 250, 10));
  assert.equal(digit.inverted, false);
  const m = measure(digit.pixels);
  assert.ok(m.width <= 20 && m.height <= 20, `${m.width}×${m.height}`);
  assert.equal(m.width, 20);
  assert.ok(Math.abs(m.cx - 14) <= 0.75 && Math.abs(m.cy - 14) <= 0.75);
  assert.equal(digit.pixels[14 * 28 + 14], 0, "the ring's hole stays empty");
});

Deno.test("preprocessDigit() ignores paper grain below the ink threshold", () => {
  const noisy = draw(60, 60, (x, y) => x >= 28 && x < 33 && y >= 10 && y < 50);
  noisy.data.forEach((v, i) => noisy.data[i] = v > 128 ? v - (i % 7) * 4 : v);
  const m = measure(preprocessDigit(noisy).pixels);
  assert.equal(m.height, 20);
  assert.ok(m.width <= 4);
});

Deno.test("preprocessDigit() handles a transparent PNG with black ink", () => {
  const data = new Uint8Array(40 * 40 * 4);
  for (let y = 5; y < 35; y++) for (let x = 18; x < 23; x++) data[(y * 40 + x) * 4 + 3] = 255;
  const digit = preprocessDigit({ width: 40, height: 40, channels: 4, data });
  assert.equal(digit.inverted, true);
  assert.equal(measure(digit.pixels).height, 20);
});

Deno.test("preprocessDigit() refuses a blank or contrast-free image with ImageFileError", async (t) => {
  for (
    const [name, image] of [
      ["white", draw(30, 30, () => false)],
      ["black", draw(30, 30, () => false, 0, 0)],
      ["faint", draw(30, 30, (x) => x === 15, 225, 235)],
    ] as const
  ) {
    await t.step(name, () => {
      assert.throws(
        () => preprocessDigit(image, "blank.png"),
        (e) => e instanceof ImageFileError && /blank\.png: no digit found/.test(e.message),
      );
    });
  }
});
