/**
 * The sample grid view (seeds 002 and 003): some digits of a split with their labels, either
 * drawn at random with a seed or a range of indices such as seed 003's 1990–2009.
 *
 * @module
 */
import type { MnistSplit } from "../data/types.ts";
import { digitTile } from "../image/tile_grid.ts";
import { mulberry32, permutation } from "../random.ts";
import { digitGridSvg } from "./_digit_grid_svg.ts";
import { withJupyterDisplay } from "./_jupyter.ts";
import { samplesToTerminal } from "./terminal_views.ts";

/** Which samples to show: `count` drawn with `seed`, or the inclusive range `from`–`to`. */
export type SampleSelection =
  | { count: number; seed?: number }
  | { from: number; to: number };

/** The data of the sample grid. */
export interface SampleGrid {
  /** Sample indices in display order. */
  indices: number[];
  /** Their labels. */
  labels: number[];
  /** How they were chosen, for titles, e.g. `20 random samples (seed 1)`. */
  description: string;
}

/**
 * Chooses samples of a split. Random draws are without repetition and repeat exactly for one
 * seed; a range is inclusive at both ends. In a Jupyter notebook the result shows itself as
 * the labelled grid (SVG, with a plain-text grid for text-only frontends).
 *
 * @param split The split to draw from.
 * @param selection `{count, seed}` or `{from, to}`.
 * @returns The chosen indices and labels.
 * @throws {RangeError} when the count or range does not fit the split.
 *
 * @example Seed 003's range
 * ```ts
 * import { sampleGrid } from "./sample_grid.ts";
 * const split = { images: new Uint8Array(3000 * 784), labels: new Uint8Array(3000), count: 3000 };
 * const grid = sampleGrid(split, { from: 1990, to: 2009 });
 * if (grid.indices.length !== 20 || grid.indices[0] !== 1990) throw new Error();
 * ```
 */
export function sampleGrid(split: MnistSplit, selection: SampleSelection): SampleGrid {
  let indices: number[];
  let description: string;
  if ("from" in selection) {
    const { from, to } = selection;
    if (
      !Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to >= split.count
    ) {
      throw new RangeError(
        `Sample range ${from}–${to} must run upwards within 0–${split.count - 1}`,
      );
    }
    indices = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    description = `samples ${from}–${to}`;
  } else {
    const { count, seed = 0 } = selection;
    if (!Number.isInteger(count) || count < 1 || count > split.count) {
      throw new RangeError(`Sample count must be between 1 and ${split.count}, got ${count}`);
    }
    indices = Array.from(permutation(split.count, mulberry32(seed)).subarray(0, count));
    description = `${count} random samples (seed ${seed})`;
  }
  const grid = { indices, labels: indices.map((i) => split.labels[i]!), description };
  return withJupyterDisplay(grid, async () => ({
    "image/svg+xml": await renderSampleGridSvg(grid, split),
    "text/plain": samplesToTerminal(grid, split, { width: 120, mode: "plain" }),
  }));
}

/**
 * Draws the grid with each digit's label under it, as SVG.
 *
 * @param grid The chosen samples.
 * @param split The split they come from (for the pixels).
 * @param layout Tiles per row and pixel magnification.
 * @returns An SVG document.
 */
export function renderSampleGridSvg(
  grid: SampleGrid,
  split: MnistSplit,
  layout: { columns?: number; scale?: number } = {},
): Promise<string> {
  const tiles = grid.indices.map((index, i) => ({
    image: digitTile(split.images, index),
    captions: [
      { text: `${grid.labels[i]}`, color: "#222", align: "left" as const },
      { text: `#${index}`, color: "#999", align: "right" as const },
    ],
  }));
  return digitGridSvg(tiles, {
    columns: layout.columns ?? 10,
    scale: layout.scale ?? 2,
    title: `Labels of ${grid.description}`,
  });
}
