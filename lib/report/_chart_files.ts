/**
 * Report material kept in memory until the report is complete: each chart's SVG is rasterised
 * to a PNG and returned as an inline figure for the page, and {@linkcode ReportFolder.commit}
 * then swaps the whole folder in at once, as checkpoints are saved (a full disk part-way once
 * left new PNGs beside the previous run's `report.html`).
 *
 * @module
 */
import { join } from "node:path";
import { type FontFile, svgToPng } from "../image/svg_to_png.ts";
import { type FileWriter, replaceDir } from "../fs/replace_dir.ts";
import { assertLockHeld, lockModelDir } from "../models/model_lock.ts";
import { htmlFigure, svgDataUri } from "./_html.ts";

/** Chart names are plain words, never paths: only `outDir` decides where files go. */
const CHART_NAME = /^[a-z0-9_-]+$/;

/** Every file a report of ours may hold: a new report replaces all of them, keeps the rest. */
const REPORT_FILES = [
  "report.html",
  ...[
    "training_history",
    "samples",
    "misclassified",
    "confusion_matrix",
    "filters",
    "probabilities",
    "comparison_accuracy",
    "comparison_speed",
    "comparison_history",
  ].map((name) => `${name}.png`),
];

/** The files a report consists of. */
export interface ReportFiles {
  /** Path of `report.html`. */
  html: string;
  /** Paths of the PNGs beside it. */
  images: string[];
}

/** A report being assembled for `outDir`. */
export interface ReportFolder {
  /** Renders `svg` to `<name>.png` (kept in memory); returns the figure HTML for the page. */
  chart(name: string, svg: Promise<string>, alt: string): Promise<string>;
  /** Writes `report.html` and the PNGs into `outDir`, all at once, under its writer lock. */
  commit(html: string): Promise<ReportFiles>;
}

/**
 * Starts a report for `outDir`.
 *
 * @param outDir The report folder (created if needed; files of other tasks in it are kept).
 * @param options Fonts for the PNGs' text, and the file writer (tests inject a full disk).
 * @returns The folder's `chart` and `commit`.
 * @throws {RangeError} from `chart` for a name that is not a plain word (a path, `..`).
 */
export function reportFolder(
  outDir: string,
  options: { fonts?: readonly FontFile[] | undefined; writeFile?: FileWriter | undefined },
): ReportFolder {
  const files: Record<string, Uint8Array> = {};
  const images: string[] = [];
  return {
    async chart(name, svg, alt) {
      if (!CHART_NAME.test(name)) throw new RangeError(`Chart name "${name}" is not a plain word`);
      const source = await svg;
      const fonts = options.fonts ? { fonts: options.fonts } : {};
      files[`${name}.png`] = await svgToPng(source, { scale: 2, ...fonts });
      images.push(join(outDir, `${name}.png`));
      return htmlFigure(svgDataUri(source), alt, `${name}.png`);
    },
    async commit(html) {
      files["report.html"] = new TextEncoder().encode(html);
      const writer = options.writeFile ? { writeFile: options.writeFile } : {};
      // The lock also finishes a swap a killed writer left half-done.
      const lock = await lockModelDir(outDir, writer);
      try {
        await replaceDir(outDir, files, {
          replaces: REPORT_FILES,
          ...writer,
          beforeCommit: () => assertLockHeld(outDir),
        });
      } finally {
        await lock.release();
      }
      return { html: join(outDir, "report.html"), images };
    },
  };
}
