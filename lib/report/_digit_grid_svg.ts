/**
 * A grid of digits with a caption line under each, drawn by Vega (image + text marks) so
 * labelled grids share the charts' fonts and rendering path. Each digit is embedded as a
 * tiny PNG and drawn without smoothing.
 *
 * @module
 */
import type * as vega from "vega";
import { encodePng, pngDataUri } from "../image/png.ts";
import type { Raster } from "../image/raster.ts";
import { vegaToSvg } from "./_vega.ts";

/** A piece of a tile's caption. */
export interface Caption {
  /** Text to show. */
  text: string;
  /** CSS colour. */
  color: string;
  /** Where on the caption line. */
  align: "left" | "center" | "right";
}

/** One digit of the grid. */
export interface GridTile {
  /** The digit's pixels (one channel). */
  image: Raster;
  /** Caption pieces drawn on one line under the digit. */
  captions: Caption[];
}

/** Layout of {@linkcode digitGridSvg}. */
export interface DigitGridLayout {
  /** Tiles per row. */
  columns: number;
  /** Pixel magnification of each digit. */
  scale: number;
  /** Title above the grid. */
  title: string;
}

const CAPTION_HEIGHT = 16;
const GAP = 6;

/** Draws the tiles as an SVG document. */
export function digitGridSvg(tiles: GridTile[], layout: DigitGridLayout): Promise<string> {
  const size = (tiles[0]?.image.width ?? 28) * layout.scale;
  const cellW = size + GAP;
  const cellH = size + CAPTION_HEIGHT + GAP;
  const columns = Math.max(1, Math.min(layout.columns, tiles.length));
  const rows = Math.ceil(tiles.length / columns);
  const images = tiles.map((tile, i) => ({
    x: (i % columns) * cellW,
    y: Math.floor(i / columns) * cellH,
    url: pngDataUri(encodePng(tile.image)),
  }));
  const texts = tiles.flatMap((tile, i) =>
    tile.captions.map((c) => ({
      x: images[i]!.x + (c.align === "left" ? 0 : c.align === "center" ? size / 2 : size),
      y: images[i]!.y + size + CAPTION_HEIGHT - 4,
      text: c.text,
      color: c.color,
      align: c.align,
    }))
  );
  return vegaToSvg({
    width: columns * cellW - GAP,
    height: Math.max(1, rows * cellH - GAP),
    padding: 8,
    background: "white",
    title: { text: layout.title, anchor: "start", fontSize: 14, font: "sans-serif" },
    data: [{ name: "images", values: images }, { name: "texts", values: texts }],
    marks: gridMarks(size),
  });
}

/** The marks: each digit (`images`: x, y, url) at `size` pixels, framed, and its captions. */
function gridMarks(size: number): vega.Mark[] {
  const at = { x: { field: "x" }, y: { field: "y" } };
  const square = { ...at, width: { value: size }, height: { value: size } };
  return [{
    type: "image",
    from: { data: "images" },
    encode: {
      enter: {
        ...square,
        url: { field: "url" },
        aspect: { value: false },
        smooth: { value: false },
      },
    },
  }, {
    // A thin frame, so light pixels at a tile's edge stay visible against the page.
    type: "rect",
    from: { data: "images" },
    encode: { enter: { ...square, stroke: { value: "#bbb" }, strokeWidth: { value: 1 } } },
  }, {
    type: "text",
    from: { data: "texts" },
    encode: {
      enter: {
        ...at,
        text: { field: "text" },
        fill: { field: "color" },
        align: { field: "align" },
        font: { value: "sans-serif" },
        fontSize: { value: 12 },
      },
    },
  }];
}
