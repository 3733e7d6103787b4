/**
 * A pooling layer's window geometry in the plan (max and average alike), resolved from its
 * Keras fields: pool rows × cols, strides (default: the pool size) and padding. Keras' `same`
 * makes ⌈input / stride⌉ outputs and pads (out − 1)·stride + pool − input cells, the odd one at
 * the end; a max ignores the padded cells and an average divides by the window's valid cells
 * (what tfjs computes). `valid` makes ⌊(input − pool) / stride⌋ + 1 outputs, no padding.
 *
 * @module
 */
import type { Padding, Size2 } from "../models/architecture.ts";

/** Rows / columns of a window, its stride and the padding before the input. */
export interface PoolGeometry {
  /** Window rows and columns. */
  pool: [number, number];
  /** Stride in rows and columns. */
  strides: [number, number];
  /** Padded rows before the input (top) and padded columns before it (left). */
  pad: [number, number];
}

const pair = (s: Size2): [number, number] => typeof s === "number" ? [s, s] : [s[0], s[1]];

/** One axis: output length and padding before, or undefined when the pool does not fit. */
function axis(input: number, pool: number, stride: number, padding: Padding) {
  if (padding === "same") {
    const out = Math.ceil(input / stride);
    const total = Math.max((out - 1) * stride + pool - input, 0);
    return { out, before: Math.floor(total / 2) };
  }
  const out = Math.floor((input - pool) / stride) + 1;
  return out >= 1 ? { out, before: 0 } : undefined;
}

/**
 * A pool's geometry and output size on an `h × w` input.
 *
 * @param layer The pool's Keras fields.
 * @param h Input rows.
 * @param w Input columns.
 * @returns The geometry and output rows / columns, or undefined when the window is larger
 *   than a `valid` input.
 * @example
 * ```ts
 * import { planPool } from "./_plan_pool.ts";
 * import assert from "node:assert/strict";
 *
 * const p = planPool({ poolSize: 3, strides: 2, padding: "same" }, 13, 13)!;
 * assert.deepEqual([p.h, p.w, p.pad], [7, 7, [1, 1]]);
 * ```
 */
export function planPool(
  layer: { poolSize: Size2; strides?: Size2; padding?: Padding },
  h: number,
  w: number,
): (PoolGeometry & { h: number; w: number }) | undefined {
  const pool = pair(layer.poolSize);
  const strides = pair(layer.strides ?? layer.poolSize);
  const padding = layer.padding ?? "valid";
  const rows = axis(h, pool[0], strides[0], padding);
  const cols = axis(w, pool[1], strides[1], padding);
  if (!rows || !cols) return undefined;
  return { pool, strides, pad: [rows.before, cols.before], h: rows.out, w: cols.out };
}

/**
 * Whether the geometry is the 2×2, stride-2, unpadded window the engines' fast pool kernels
 * take (every seed's pool).
 */
export function isPool2x2(g: PoolGeometry): boolean {
  return [...g.pool, ...g.strides].every((v) => v === 2) && g.pad[0] === 0 && g.pad[1] === 0;
}
