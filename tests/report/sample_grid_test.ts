import assert from "node:assert/strict";
import { renderSampleGridSvg, sampleGrid } from "../../lib/report/sample_grid.ts";
import { svgToPng } from "../../lib/image/svg_to_png.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { inkedPixels } from "./_fixtures.ts";

const split = syntheticSplit(300);

Deno.test("sampleGrid() takes an inclusive index range with its labels", () => {
  const grid = sampleGrid(split, { from: 190, to: 209 });
  assert.deepEqual(grid.indices, Array.from({ length: 20 }, (_, i) => 190 + i));
  assert.deepEqual(grid.labels, grid.indices.map((i) => split.labels[i]));
  assert.equal(grid.description, "samples 190–209");
});

Deno.test("sampleGrid() draws distinct random samples, the same for the same seed", () => {
  const a = sampleGrid(split, { count: 25, seed: 3 });
  const b = sampleGrid(split, { count: 25, seed: 3 });
  const c = sampleGrid(split, { count: 25, seed: 4 });
  assert.deepEqual(a.indices, b.indices);
  assert.notDeepEqual(a.indices, c.indices);
  assert.equal(new Set(a.indices).size, 25);
  assert.ok(a.indices.every((i) => i >= 0 && i < 300));
  assert.deepEqual(a.labels, a.indices.map((i) => split.labels[i]));
});

Deno.test("sampleGrid() rejects counts and ranges outside the split", () => {
  assert.throws(() => sampleGrid(split, { count: 0 }), RangeError);
  assert.throws(() => sampleGrid(split, { count: 301 }), RangeError);
  assert.throws(() => sampleGrid(split, { from: 10, to: 5 }), RangeError);
  assert.throws(() => sampleGrid(split, { from: 290, to: 300 }), RangeError);
});

Deno.test("renderSampleGridSvg() draws each digit with its label into a non-blank PNG", async () => {
  const grid = sampleGrid(split, { from: 0, to: 9 });
  const svg = await renderSampleGridSvg(grid, split, { columns: 5 });
  assert.equal(svg.match(/<image /g)?.length, 10);
  for (const label of grid.labels) assert.match(svg, new RegExp(`>${label}</text>`));
  const png = inkedPixels(await svgToPng(svg));
  assert.ok(png.width >= 5 * 56 && png.height >= 2 * 56);
  assert.ok(png.inked > 10 * 56 * 56 * 0.9, `only ${png.inked} inked pixels`);
});
