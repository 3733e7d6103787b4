/**
 * Turns rendered charts into report material: each SVG is rasterised to a PNG written beside
 * the report, and returned as an inline figure for the page.
 *
 * @module
 */
import { join } from "node:path";
import type { FontFile } from "../image/svg_to_png.ts";
import { saveChartPng } from "./save_chart_png.ts";
import { htmlFigure, svgDataUri } from "./_html.ts";

/** Writes `<outDir>/<name>.png` from `svg`; returns the figure HTML and the PNG's path. */
export async function chartFile(
  outDir: string,
  name: string,
  svg: string,
  alt: string,
  fonts: readonly FontFile[] | undefined,
): Promise<{ html: string; path: string }> {
  const path = join(outDir, `${name}.png`);
  await saveChartPng(svg, path, fonts ? { fonts } : {});
  return { html: htmlFigure(svgDataUri(svg), alt, `${name}.png`), path };
}
