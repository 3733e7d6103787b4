import assert from "node:assert/strict";
import { DEFAULT_FONTS, loadFonts, svgToPng } from "../../lib/image/svg_to_png.ts";
import { decodePng, encodePng, pngDataUri } from "../../lib/image/png.ts";

const TEXT_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">
<text x="4" y="28" font-family="sans-serif" font-size="24" fill="black">Hello</text></svg>`;

function darkPixels(png: Uint8Array): number {
  const image = decodePng(png);
  let dark = 0;
  for (let i = 0; i < image.data.length; i += image.channels) if (image.data[i]! < 128) dark++;
  return dark;
}

Deno.test("svgToPng() draws shapes at the requested zoom", async () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="6">
    <rect x="0" y="0" width="5" height="6" fill="black"/></svg>`;
  const image = decodePng(await svgToPng(svg, { scale: 2 }));
  assert.equal(image.width, 20);
  assert.equal(image.height, 12);
  assert.equal(darkPixels(await svgToPng(svg)), 30);
});

const fonts = await loadFonts(DEFAULT_FONTS);

Deno.test({
  name: "svgToPng() draws text with a system font",
  ignore: fonts === null,
  fn: async () => {
    assert.ok(darkPixels(await svgToPng(TEXT_SVG)) > 50);
  },
});

Deno.test("svgToPng() still renders without any font (text is left out)", async () => {
  const png = await svgToPng(TEXT_SVG, { fonts: [{ family: "None", path: "/no/such.ttf" }] });
  assert.equal(decodePng(png).width, 120);
  assert.equal(darkPixels(png), 0);
  assert.equal(await loadFonts([{ family: "None", path: "/no/such.ttf" }]), null);
});

Deno.test("svgToPng() magnifies embedded images with square pixels, not smoothing", async () => {
  const tile = pngDataUri(
    encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) }),
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
    width="20" height="10"><image xlink:href="${tile}" width="20" height="10" preserveAspectRatio="none"/></svg>`;
  const image = decodePng(await svgToPng(svg));
  const row = Array.from(
    { length: 20 },
    (_, x) => image.data[(5 * image.width + x) * image.channels]!,
  );
  assert.deepEqual(row, [...new Array(10).fill(0), ...new Array(10).fill(255)]);
});
