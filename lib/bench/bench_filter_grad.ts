/**
 * The `bench --filter-grad` comparison: tfjs' stock Conv2DBackpropFilter against the kernel
 * pack's, per seed conv layer, at one batch size (webgpu).
 *
 * @module
 */
import { benchConv2DBackpropFilter, SEED_CONV_LAYERS } from "../backend/webgpu/bench_kernels.ts";

/** One layer's timings. */
export interface FilterGradRow {
  layer: string;
  batch: number;
  stockMs: number;
  fastMs: number;
  speedup: number;
}

/**
 * Times the filter gradient of every seed conv layer, stock then fast.
 *
 * @param batch Batch size.
 * @returns One row per layer.
 * @example
 * ```ts ignore
 * const rows = await benchFilterGrad(64);
 * console.log(renderFilterGradRows(rows));
 * ```
 */
export async function benchFilterGrad(batch: number): Promise<FilterGradRow[]> {
  const rows = [];
  for (const layer of Object.keys(SEED_CONV_LAYERS)) {
    const stock = await benchConv2DBackpropFilter({ layer, batch, kernels: "stock" });
    const fast = await benchConv2DBackpropFilter({ layer, batch, kernels: "fast" });
    rows.push({
      layer,
      batch,
      stockMs: stock.msPerCall,
      fastMs: fast.msPerCall,
      speedup: stock.msPerCall / fast.msPerCall,
    });
  }
  return rows;
}

/**
 * One line per layer: `conv… b64  stock … ms  fast … ms  N×`.
 *
 * @param rows The timings.
 * @returns The text.
 * @example
 * ```ts
 * import { renderFilterGradRows } from "./bench_filter_grad.ts";
 * import assert from "node:assert/strict";
 *
 * const text = renderFilterGradRows([{ layer: "conv", batch: 8, stockMs: 4, fastMs: 1, speedup: 4 }]);
 * assert.match(text, /4\.0×/);
 * ```
 */
export function renderFilterGradRows(rows: FilterGradRow[]): string {
  return rows.map((r) =>
    `${r.layer.padEnd(16)} b${r.batch}  stock ${r.stockMs.toFixed(1).padStart(8)} ms  fast ${
      r.fastMs.toFixed(2).padStart(7)
    } ms  ${r.speedup.toFixed(1)}×`
  ).join("\n");
}
