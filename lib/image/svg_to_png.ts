/**
 * Rasterises SVG (the charts Vega draws) to PNG with resvg compiled to WebAssembly: no native
 * addon, no DOM, no network. The `.wasm` file is read from the installed npm package, and
 * fonts from the system, because WebAssembly cannot look fonts up itself.
 *
 * Requires `--allow-read` for `node_modules/` and the font folder (e.g. `/usr/share/fonts`).
 *
 * @module
 */
import { initWasm, Resvg } from "@resvg/resvg-wasm";

/** A font file and the family name SVG text refers to it by. */
export interface FontFile {
  /** Family name, e.g. `DejaVu Sans`. */
  family: string;
  /** Path of a TrueType/OpenType file. */
  path: string;
}

/**
 * Fonts tried in order when none are given: Debian/Ubuntu (`fonts-dejavu-core`,
 * `fonts-liberation`), macOS and Windows. Regular and bold of the first family found are used.
 */
export const DEFAULT_FONTS: readonly FontFile[] = [
  { family: "DejaVu Sans", path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" },
  { family: "DejaVu Sans", path: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf" },
  {
    family: "Liberation Sans",
    path: "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  },
  {
    family: "Liberation Sans",
    path: "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
  },
  { family: "Helvetica", path: "/System/Library/Fonts/Helvetica.ttc" },
  { family: "Arial", path: "C:\\Windows\\Fonts\\arial.ttf" },
  { family: "Arial", path: "C:\\Windows\\Fonts\\arialbd.ttf" },
];

/** Options for {@linkcode svgToPng}. */
export interface SvgToPngOptions {
  /**
   * Fonts for the text; the first family that can be read is used. With none readable the
   * PNG is still drawn, without its text.
   * @default DEFAULT_FONTS
   */
  fonts?: readonly FontFile[];
  /**
   * Zoom factor (2 gives a sharper image for high-density screens).
   * @default 1
   */
  scale?: number;
  /**
   * CSS colour under transparent areas.
   * @default "white"
   */
  background?: string;
}

let wasmReady: Promise<void> | undefined;
const fontCache = new Map<string, { family: string; buffers: Uint8Array[] } | null>();

/**
 * Reads the first readable family of `fonts` (all its listed files), or `null` when none is
 * readable (missing, or no read permission).
 *
 * @param fonts Candidates in order of preference.
 * @returns The family name and the font files' bytes, or `null`.
 *
 * @example
 * ```ts
 * import { loadFonts } from "./svg_to_png.ts";
 * const none = await loadFonts([{ family: "Nope", path: "/no/such/font.ttf" }]);
 * if (none !== null) throw new Error("expected no font");
 * ```
 */
export async function loadFonts(
  fonts: readonly FontFile[] = DEFAULT_FONTS,
): Promise<{ family: string; buffers: Uint8Array[] } | null> {
  const key = fonts.map((f) => f.path).join("\n");
  if (fontCache.has(key)) return fontCache.get(key)!;
  let found: { family: string; buffers: Uint8Array[] } | null = null;
  for (const font of fonts) {
    if (found !== null && font.family !== found.family) continue;
    try {
      const bytes = await Deno.readFile(font.path);
      found ??= { family: font.family, buffers: [] };
      found.buffers.push(bytes);
    } catch {
      // Absent or not permitted: try the next candidate.
    }
  }
  fontCache.set(key, found);
  return found;
}

/**
 * Rasterises an SVG document to PNG bytes.
 *
 * @param svg The SVG document.
 * @param options Fonts, zoom and background.
 * @returns The PNG file's bytes.
 * @throws {Error} from resvg when the SVG cannot be parsed.
 *
 * @example
 * ```ts
 * import { svgToPng } from "./svg_to_png.ts";
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="2" height="2"/></svg>';
 * const png = await svgToPng(svg);
 * if (png[1] !== 0x50) throw new Error("not a PNG");
 * ```
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  wasmReady ??= Deno.readFile(
    new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm")),
  ).then((bytes) => initWasm(bytes));
  try {
    await wasmReady;
  } catch (error) {
    wasmReady = undefined; // e.g. no read permission yet: let a later call try again
    throw error;
  }
  const fonts = await loadFonts(options.fonts);
  const family = fonts?.family ?? "sans-serif";
  const resvg = new Resvg(svg, {
    background: options.background ?? "white",
    fitTo: { mode: "zoom", value: options.scale ?? 1 },
    // Embedded images here are digits and filters, magnified pixel art: keep pixels square
    // (resvg ignores CSS `image-rendering: pixelated`, which Vega writes).
    imageRendering: 1,
    font: {
      fontBuffers: fonts?.buffers ?? [],
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
  });
  try {
    const rendered = resvg.render();
    const png = rendered.asPng();
    rendered.free();
    return png;
  } finally {
    resvg.free();
  }
}
