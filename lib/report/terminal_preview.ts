/**
 * Digits in the terminal: each character cell shows two pixels with the upper half block
 * "▀" (foreground = upper pixel, background = lower pixel) in 24-bit or 256-colour gray, or
 * a plain character ramp when colour is off (`NO_COLOR`), so a 28×28 digit takes 28×14 cells.
 *
 * @module
 */
import type { Raster } from "../image/raster.ts";

/** How to colour terminal output. */
export type ColorMode = "truecolor" | "256" | "plain";

/** Characters from background to full ink, for terminals without colour. */
const RAMP = " .:-=+*#%@";
const RESET = "\x1b[0m";

/**
 * Chooses the colour mode from environment variables: `NO_COLOR` (any non-empty value, see
 * no-color.org) → plain; `COLORTERM=truecolor|24bit` → 24-bit; otherwise 256 colours.
 *
 * @param env Reads one environment variable (e.g. `(name) => Deno.env.get(name)`).
 * @returns The mode to use.
 *
 * @example
 * ```ts
 * import { colorModeFromEnv } from "./terminal_preview.ts";
 * if (colorModeFromEnv((name) => name === "NO_COLOR" ? "1" : undefined) !== "plain") {
 *   throw new Error();
 * }
 * ```
 */
export function colorModeFromEnv(env: (name: string) => string | undefined): ColorMode {
  if ((env("NO_COLOR") ?? "") !== "") return "plain";
  return /^(truecolor|24bit)$/i.test(env("COLORTERM") ?? "") ? "truecolor" : "256";
}

/**
 * Width and colour mode for drawing on this process's stdout: its width (80 when it is not
 * a terminal), and plain text when `NO_COLOR` is set or stdout is not a terminal.
 *
 * Reads `NO_COLOR` and `COLORTERM`; without `--allow-env` for them, colour stays on in 256
 * colours.
 *
 * @returns The width in cells and the colour mode.
 */
export function stdoutTerminal(): { width: number; mode: ColorMode } {
  const isTerminal = Deno.stdout.isTerminal();
  const env = (name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  };
  let width = 80;
  try {
    if (isTerminal) width = Deno.consoleSize().columns;
  } catch {
    // Not a console after all: keep 80.
  }
  return { width, mode: isTerminal ? colorModeFromEnv(env) : "plain" };
}

/** Nearest xterm-256 colour for a gray level: 16 = black, 231 = white, 232–255 = ramp. */
function gray256(v: number): number {
  if (v < 4) return 16;
  if (v > 247) return 231;
  return 232 + Math.max(0, Math.min(23, Math.round((v - 8) / 10)));
}

function cell(top: number, bottom: number, mode: ColorMode): string {
  if (mode === "plain") return RAMP[Math.round(((top + bottom) / 2 / 255) * (RAMP.length - 1))]!;
  if (mode === "truecolor") {
    return `\x1b[38;2;${top};${top};${top};48;2;${bottom};${bottom};${bottom}m▀`;
  }
  return `\x1b[38;5;${gray256(top)};48;5;${gray256(bottom)}m▀`;
}

/**
 * Renders a one-channel raster as terminal lines, two pixel rows per line.
 *
 * @param raster Gray image (0 = black).
 * @param mode Colour mode.
 * @returns `ceil(height / 2)` lines, each `width` cells wide; coloured lines end with a reset.
 *
 * @example A 2×2 image is one line of two cells
 * ```ts
 * import { rasterToTerminal } from "./terminal_preview.ts";
 * const text = rasterToTerminal({ width: 2, height: 2, channels: 1,
 *   data: new Uint8Array([0, 255, 0, 255]) }, "plain");
 * if (text !== " @") throw new Error(JSON.stringify(text));
 * ```
 */
export function rasterToTerminal(raster: Raster, mode: ColorMode): string {
  const { width, height, data } = raster;
  const lines: string[] = [];
  for (let y = 0; y < height; y += 2) {
    let line = "";
    for (let x = 0; x < width; x++) {
      const top = data[y * width + x]!;
      const bottom = y + 1 < height ? data[(y + 1) * width + x]! : 0;
      line += cell(top, bottom, mode);
    }
    lines.push(mode === "plain" ? line : line + RESET);
  }
  return lines.join("\n");
}

/** A digit for {@linkcode terminalGrid} with a caption printed under it. */
export interface TerminalTile {
  /** Gray image (all tiles of one size). */
  image: Raster;
  /** Short caption, cut to the tile's width. */
  caption: string;
}

/**
 * Lays tiles side by side in rows (one space apart), each row followed by its captions.
 *
 * @param tiles Digits with captions.
 * @param options Tiles per row and colour mode.
 * @returns The text to print.
 */
export function terminalGrid(
  tiles: TerminalTile[],
  options: { columns: number; mode: ColorMode },
): string {
  const blocks: string[] = [];
  const columns = Math.max(1, options.columns);
  for (let start = 0; start < tiles.length; start += columns) {
    const row = tiles.slice(start, start + columns);
    const rendered = row.map((t) => rasterToTerminal(t.image, options.mode).split("\n"));
    const height = Math.max(...rendered.map((r) => r.length));
    for (let line = 0; line < height; line++) {
      blocks.push(rendered.map((r, i) => r[line] ?? " ".repeat(row[i]!.image.width)).join(" "));
    }
    blocks.push(
      row.map((t) => t.caption.slice(0, t.image.width).padEnd(t.image.width)).join(" ").trimEnd(),
    );
  }
  return blocks.join("\n");
}

/**
 * How many 28-cell tiles fit a terminal of `width` columns (at least 1).
 *
 * @param width Terminal width in cells.
 * @param tileWidth Tile width in cells.
 * @returns Tiles per row.
 */
export function tilesPerRow(width: number, tileWidth = 28): number {
  return Math.max(1, Math.floor((width + 1) / (tileWidth + 1)));
}
