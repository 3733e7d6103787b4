import assert from "node:assert/strict";
import { digitTile, tileGrid } from "../../lib/image/tile_grid.ts";

const tile = (value: number, size = 2) => ({
  width: size,
  height: size,
  channels: 1 as const,
  data: new Uint8Array(size * size).fill(value),
});

Deno.test("tileGrid() places scaled tiles in rows with gaps", () => {
  const grid = tileGrid([tile(10), tile(20), tile(30)], {
    columns: 2,
    scale: 2,
    gap: 1,
    background: 0,
  });
  // 2 columns × (4 px + 1 gap) + 1 = 11 wide; 2 rows × 5 + 1 = 11 high.
  assert.equal(grid.width, 11);
  assert.equal(grid.height, 11);
  assert.equal(grid.data[1 * 11 + 1], 10);
  assert.equal(grid.data[4 * 11 + 4], 10);
  assert.equal(grid.data[1 * 11 + 6], 20);
  assert.equal(grid.data[6 * 11 + 1], 30);
  assert.equal(grid.data[6 * 11 + 6], 0, "empty cell keeps the background");
  assert.equal(grid.data[0], 0);
});

Deno.test("tileGrid() refuses no tiles, mixed sizes and colour tiles", () => {
  assert.throws(() => tileGrid([]), RangeError);
  assert.throws(() => tileGrid([tile(1, 2), tile(1, 3)]), RangeError);
  assert.throws(() => tileGrid([{ ...tile(1), channels: 3 }]), RangeError);
});

Deno.test("digitTile() views one 28×28 sample and rejects out-of-range indices", () => {
  const images = new Uint8Array(784 * 3);
  images[784 * 2 + 5] = 99;
  const t = digitTile(images, 2);
  assert.equal(t.data[5], 99);
  assert.equal(t.data.length, 784);
  assert.throws(() => digitTile(images, 3), RangeError);
  assert.throws(() => digitTile(images, -1), RangeError);
});
