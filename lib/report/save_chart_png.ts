/**
 * Saves one rendered view as a PNG file, for the single-view tasks (`samples`,
 * `misclassified`, `filters`, `confusion`).
 *
 * Requires `--allow-write` for the file's folder and `--allow-read` for `node_modules/` and
 * the fonts.
 *
 * @module
 */
import { atomicWrite } from "../fs/atomic_write.ts";
import { svgToPng, type SvgToPngOptions } from "../image/svg_to_png.ts";

/**
 * Rasterises an SVG view and writes it atomically, at twice its size by default so the PNG
 * stays sharp on high-density screens.
 *
 * @param svg The view as SVG (from a `render…Svg` function).
 * @param path The PNG file to write; its folder is created if needed.
 * @param options Fonts, zoom (default 2) and background.
 * @returns The PNG's width and height in pixels.
 *
 * @example
 * ```ts ignore
 * const svg = await renderConfusionMatrixSvg(confusionMatrix(evaluation));
 * await saveChartPng(svg, "reports/confusion_matrix.png");
 * ```
 */
export async function saveChartPng(
  svg: string,
  path: string,
  options: SvgToPngOptions = {},
): Promise<{ width: number; height: number }> {
  const png = await svgToPng(svg, { scale: 2, ...options });
  await atomicWrite(path, png);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  // The IHDR chunk always comes first: width and height at bytes 16 and 20.
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
