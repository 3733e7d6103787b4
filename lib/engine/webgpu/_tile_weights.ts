/**
 * The weight reads of a register-tiled conv (`_tiles.ts`): per-row uniform windows on
 * llvmpipe, storage loads from `params` otherwise.
 *
 * @module
 */
import type { KernelBinding } from "./_kernel_binding.ts";
import { range, uniformWindow } from "./_wgsl_snippets.ts";

/** Where a conv tile's weights live in `params` (see `ConvTile`). */
export interface WeightLayout {
  k: number;
  flip: boolean;
  /** Element offset of the [k, k, ·, ·] kernel in `params`. */
  kernelOffset: number;
  /** Input channels × output channels: one tap's slab. */
  slab: number;
}

/** How a tile reads its weights. */
export interface WeightReads {
  /** One uniform window per kernel row (`kh` is then a generation-time constant). */
  unrolled: boolean;
  /** The windows' bindings (none for storage loads). */
  bindings: KernelBinding[];
  /** WGSL value of the weight at tap (`kh`, `kw`) plus element `rest` of its slab. */
  load: (kh: number | null, kw: number, rest: string) => string;
}

/**
 * The weight reads of a conv: `load(kh, kw, rest)` is the WGSL value of the weight at tap
 * (kh, kw) plus element `rest` of its [in, out] slab. On llvmpipe (lane mode) each kernel
 * row `kh` is its own uniform window (one per unrolled `kh`, 64 KiB each at most), which
 * took cnn-deep's second conv from 28.9 to 18.1 ms of CPU; else (or when a row is too big)
 * storage loads from `params` with `kh` a loop variable.
 */
export function weightReads(layout: WeightLayout, uniform: boolean): WeightReads {
  const { k, flip, kernelOffset, slab } = layout;
  const rows = range(k).map((kh) => {
    const th = flip ? k - 1 - kh : kh;
    return uniform
      ? uniformWindow("params", `w${kh}`, kernelOffset + th * k * slab, k * slab)
      : null;
  });
  const windows = rows.every((r) => r !== null) ? rows : null;
  const tapCol = (kw: number) => (flip ? k - 1 - kw : kw) * slab;
  return {
    unrolled: windows !== null,
    bindings: windows?.map((w) => w!.binding) ?? [],
    load: (kh: number | null, kw: number, rest: string) =>
      windows && kh !== null
        ? windows[kh]!.at(`${tapCol(kw)}u + ${rest}`)
        : `params[${kernelOffset}u + ${flip ? `(${k - 1}u - kh)` : "kh"} * ${k * slab}u + ${
          tapCol(kw)
        }u + ${rest}]`,
  };
}
