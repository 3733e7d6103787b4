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

/** Chart names are plain words, never paths: only `outDir` decides where files go. */
const CHART_NAME = /^[a-z0-9_-]+$/;

/**
 * Writes `<outDir>/<name>.png` from `svg`; returns the figure HTML and the PNG's path.
 *
 * @throws {RangeError} for a name that is not a plain word (a path, `..`).
 */
export async function chartFile(
  outDir: string,
  name: string,
  svg: string,
  alt: string,
  fonts: readonly FontFile[] | undefined,
): Promise<{ html: string; path: string }> {
  if (!CHART_NAME.test(name)) throw new RangeError(`Chart name "${name}" is not a plain word`);
  const path = join(outDir, `${name}.png`);
  await saveChartPng(svg, path, fonts ? { fonts } : {});
  return { html: htmlFigure(svgDataUri(svg), alt, `${name}.png`), path };
}
