/**
 * Composes equal-sized tiles (digits, filters) into one grid image, scaled up by whole pixels
 * so each sample stays crisp: the pixel buffer that the PNG encoder and the terminal preview
 * both draw.
 *
 * @module
 */
import { createRaster, type Raster } from "./raster.ts";

/** Options for {@linkcode tileGrid}. */
export interface TileGridOptions {
  /**
   * Tiles per row.
   * @default Math.ceil(Math.sqrt(tiles.length))
   */
  columns?: number;
  /**
   * Whole-pixel magnification of every tile (nearest neighbour).
   * @default 1
   */
  scale?: number;
  /**
   * Pixels between tiles and around the grid.
   * @default 1
   */
  gap?: number;
  /**
   * Gray value of the gaps.
   * @default 128
   */
  background?: number;
}

/**
 * Lays out one-channel tiles of one size in a grid.
 *
 * @param tiles One-channel rasters, all of the same size.
 * @param options Layout.
 * @returns A one-channel raster holding the grid.
 * @throws {RangeError} when there are no tiles, or they differ in size or are not gray.
 *
 * @example Two 1×1 tiles side by side
 * ```ts
 * import { tileGrid } from "./tile_grid.ts";
 * const tile = (v: number) => ({ width: 1, height: 1, channels: 1 as const, data: new Uint8Array([v]) });
 * const grid = tileGrid([tile(0), tile(255)], { columns: 2, gap: 0 });
 * if (grid.width !== 2 || grid.data[1] !== 255) throw new Error("bad grid");
 * ```
 */
export function tileGrid(tiles: Raster[], options: TileGridOptions = {}): Raster {
  const first = tiles[0];
  if (first === undefined) throw new RangeError("A grid needs at least one tile");
  const { width: tw, height: th } = first;
  if (tiles.some((t) => t.width !== tw || t.height !== th || t.channels !== 1)) {
    throw new RangeError(`Every tile must be one-channel ${tw}×${th}`);
  }
  const columns = Math.max(
    1,
    Math.min(tiles.length, options.columns ?? Math.ceil(Math.sqrt(tiles.length))),
  );
  const rows = Math.ceil(tiles.length / columns);
  const { scale = 1, gap = 1, background = 128 } = options;
  const cellW = tw * scale + gap;
  const cellH = th * scale + gap;
  const grid = createRaster(columns * cellW + gap, rows * cellH + gap, 1, background);
  tiles.forEach((tile, i) => {
    const left = gap + (i % columns) * cellW;
    const top = gap + Math.floor(i / columns) * cellH;
    for (let y = 0; y < th * scale; y++) {
      const src = Math.floor(y / scale) * tw;
      const dst = (top + y) * grid.width + left;
      for (let x = 0; x < tw * scale; x++) {
        grid.data[dst + x] = tile.data[src + Math.floor(x / scale)]!;
      }
    }
  });
  return grid;
}

/**
 * A zero-copy 28×28 tile of sample `index` from MNIST-style image bytes.
 *
 * @param images `count × 784` bytes (e.g. `MnistSplit.images`).
 * @param index Sample index.
 * @param size Side length of one image.
 * @returns A one-channel raster viewing that sample.
 * @throws {RangeError} when the index is outside the images.
 *
 * @example
 * ```ts
 * import { digitTile } from "./tile_grid.ts";
 * const tile = digitTile(new Uint8Array(784 * 2), 1);
 * if (tile.width !== 28) throw new Error();
 * ```
 */
export function digitTile(images: Uint8Array, index: number, size = 28): Raster {
  const pixels = size * size;
  if (!Number.isInteger(index) || index < 0 || (index + 1) * pixels > images.length) {
    throw new RangeError(`Sample index ${index} is outside 0–${images.length / pixels - 1}`);
  }
  return {
    width: size,
    height: size,
    channels: 1,
    data: images.subarray(index * pixels, (index + 1) * pixels),
  };
}
