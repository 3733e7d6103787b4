/**
 * `compareModels`: trains each architecture with its seed recipe on the same data and
 * backend, and lines the results up against what the seed notebooks reported.
 *
 * @module
 */
import { ARCHITECTURE_NAMES } from "../models/architectures.ts";
import { type ArchitectureInput, resolveArchitecture } from "../models/resolve_architecture.ts";
import { loadMnist } from "../data/load_mnist.ts";
import { trainCnn } from "../train/train_cnn.ts";
import type { TrainOptions } from "../train/config.ts";
import { defaultTrainConfig } from "../defaults.ts";
import type { TrainResult } from "../train/types.ts";
import type { ComparisonRow } from "../report/comparison_row.ts";
import { renderMarkdownTable, renderTextTable } from "./render_table.ts";
import { withJupyterDisplay } from "../report/_jupyter.ts";

export type { ComparisonRow } from "../report/comparison_row.ts";

/** Options for {@linkcode compareModels}: `TrainOptions` shared by every architecture. */
export interface CompareOptions extends Omit<TrainOptions, "arch" | "outDir" | "resume"> {
  /**
   * Architectures to compare: registry names, `Architecture` values or Keras / tfjs model
   * JSON, mixed. A seed trains with its recipe, any other with `defaultRecipe()`.
   * @default all four seeds
   */
  archs?: ArchitectureInput[];
  /** Seed shared by every run, so rows are comparable from run to run. @default 42 */
  seed?: number;
  /**
   * Save each model under `<modelsDir>/<arch>`, and reuse one saved there with the same arch,
   * recipe, data and seed instead of training it again (as `trainCnn`'s `outDir` does).
   * @default none (nothing saved)
   */
  modelsDir?: string;
  /** Called when an architecture starts training. */
  onArch?: (arch: string, index: number, total: number) => void;
  /** Called with each finished result (e.g. to write a report). */
  onResult?: (result: TrainResult) => void | Promise<void>;
}

/** Turns a training result into a comparison row. */
export function comparisonRow(result: TrainResult): ComparisonRow {
  const arch = result.architecture;
  const seconds = result.history.reduce((s, h) => s + h.seconds, 0);
  const seedAccuracy = arch.seedAccuracy.length > 0 ? Math.max(...arch.seedAccuracy) : null;
  return {
    arch: arch.name,
    seeds: arch.seeds,
    params: result.model.countParams(),
    epochs: result.history.length,
    batchSize: result.recipe.batchSize,
    secondsPerEpoch: seconds / Math.max(1, result.history.length),
    imagesPerSecond: (result.trainCount * result.history.length) / Math.max(seconds, 1e-9),
    accuracy: result.test.accuracy,
    wrong: result.test.wrong,
    testCount: result.test.count,
    seedAccuracy,
    difference: seedAccuracy === null ? null : result.test.accuracy - seedAccuracy,
    history: result.history,
  };
}

/**
 * Trains every requested architecture with its seed recipe (a user's own: the default one) (epochs and limit may be
 * overridden for all) on the same data and backend; returns one row per architecture. In a
 * Jupyter notebook the rows show themselves as a Markdown table.
 *
 * @example Compare all four on a tenth of the data, one epoch each
 * ```ts ignore
 * import { compareModels } from "jsr:@x/mnist-cnn";
 *
 * const rows = await compareModels({ epochs: 1, limit: 6000, backend: "auto" });
 * for (const r of rows) console.log(r.arch, r.accuracy, r.seedAccuracy, r.secondsPerEpoch);
 * ```
 */
export async function compareModels(options: CompareOptions = {}): Promise<ComparisonRow[]> {
  const config = defaultTrainConfig();
  // Every architecture is resolved (and checked) before the first one trains.
  const archs = (options.archs ?? [...ARCHITECTURE_NAMES]).map(resolveArchitecture);
  const { archs: _archs, onArch, onResult, backend, modelsDir, ...shared } = options;
  shared.seed ??= config.compareSeed;
  const data = options.data ?? await loadMnist({
    dataDir: options.dataDir ?? config.dataDir,
    ...(options.onDataEvent ? { onEvent: options.onDataEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const rows: ComparisonRow[] = [];
  for (const [index, arch] of archs.entries()) {
    onArch?.(arch.name, index, archs.length);
    const result = await trainCnn({
      ...shared,
      arch,
      data,
      ...(modelsDir ? { outDir: `${modelsDir}/${arch.name}` } : {}),
      ...(index === 0 && backend ? { backend } : {}),
    });
    rows.push(comparisonRow(result));
    await onResult?.(result);
    result.model.dispose();
  }
  return withJupyterDisplay(rows, () => ({
    "text/markdown": renderMarkdownTable(rows),
    "text/plain": renderTextTable(rows),
  }));
}
