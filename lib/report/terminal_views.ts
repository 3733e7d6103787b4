/**
 * The image views drawn in the terminal instead of written to files (`--terminal`): digits
 * and filters as half-block grids with one caption line under each row.
 *
 * @module
 */
import type { MnistSplit } from "../data/types.ts";
import { digitTile, tileGrid } from "../image/tile_grid.ts";
import type { FirstLayerFilters } from "./first_layer_filters.ts";
import { filterTiles } from "./first_layer_filters.ts";
import type { Misclassified } from "./misclassified.ts";
import { wrongCountText } from "./misclassified.ts";
import type { SampleGrid } from "./sample_grid.ts";
import { type ColorMode, terminalGrid, tilesPerRow } from "./terminal_preview.ts";

/** Terminal layout: width in cells and colour mode. */
export interface TerminalOptions {
  /** Terminal width in character cells. */
  width: number;
  /** Colour mode, e.g. from `colorModeFromEnv`. */
  mode: ColorMode;
}

/**
 * The sample grid as terminal text, each digit captioned with its label and index.
 *
 * @param grid The chosen samples.
 * @param split Their split.
 * @param options Width and colour mode.
 * @returns Text to print.
 */
export function samplesToTerminal(
  grid: SampleGrid,
  split: MnistSplit,
  options: TerminalOptions,
): string {
  const tiles = grid.indices.map((index, i) => ({
    image: digitTile(split.images, index),
    caption: `${grid.labels[i]}  #${index}`,
  }));
  return `${grid.description}\n${
    terminalGrid(tiles, { columns: tilesPerRow(options.width), mode: options.mode })
  }`;
}

/**
 * The misclassified digits as terminal text: the count, then the first `limit` digits
 * captioned `true 4 → 9 87%`.
 *
 * @param view The misclassified view.
 * @param split The evaluated split.
 * @param options Width, colour mode and how many digits to draw.
 * @returns Text to print.
 */
export function misclassifiedToTerminal(
  view: Misclassified,
  split: MnistSplit,
  options: TerminalOptions & { limit: number },
): string {
  const shown = view.items.slice(0, options.limit);
  const tiles = shown.map((item) => ({
    image: digitTile(split.images, item.index),
    caption: `true ${item.label} → ${item.predicted} ${Math.round(item.confidence * 100)}%`,
  }));
  const head = `${wrongCountText(view)} test digits misclassified` +
    (shown.length < view.items.length ? ` (first ${shown.length} shown)` : "");
  if (tiles.length === 0) return head;
  return `${head}\n${
    terminalGrid(tiles, { columns: tilesPerRow(options.width), mode: options.mode })
  }`;
}

/**
 * The first-layer filters as terminal text; small kernels are magnified to about 12 cells.
 *
 * @param view The filters.
 * @param options Width and colour mode.
 * @returns Text to print.
 */
export function filtersToTerminal(view: FirstLayerFilters, options: TerminalOptions): string {
  const scale = Math.max(1, Math.floor(12 / view.width));
  const tiles = filterTiles(view).map((tile, i) => ({
    image: tileGrid([tile], { scale, gap: 0 }),
    caption: `${i + 1}`,
  }));
  const columns = tilesPerRow(options.width, view.width * scale);
  return `${view.layer}: ${view.filters.length} filters of ${view.height}×${view.width}\n` +
    terminalGrid(tiles, { columns, mode: options.mode });
}
