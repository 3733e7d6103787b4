/**
 * Register-tiled WGSL generators for the conv kernels: each thread computes a tile of
 * outputs (4 columns × 4 channels on GPUs; on llvmpipe whole rows, several channels and up
 * to 5 rows), so every value it loads feeds many multiply-adds. llvmpipe (Mesa 22.3) runs a
 * workgroup's invocations as 8 SIMD lanes but loops over the lanes for every storage-buffer
 * load (~9 ns, uniform address or not) while a uniform-buffer load is one gather (~3 ns) and
 * a multiply-add ~0.4 ns: loads bound these kernels there. Accumulators are scalars
 * (`a_i_j`), unrolled in the generated source. The block sizing is in `_tile_shape.ts`, the
 * thread's WGSL in `_tile_code.ts`.
 *
 * @module
 */
import { type Tuning, workgroupFor } from "./_adapter_tuning.ts";
import { convProducts, elements } from "./_cost.ts";
import { tileBody } from "./_tile_code.ts";
import { type ConvTile, LANES, tileShape } from "./_tile_shape.ts";
import { type Cost, flatKernel, type Kernel, laneKernel } from "./_wgsl.ts";

export { tuningOf, workgroupFor } from "./_adapter_tuning.ts";
export type { Tuning } from "./_adapter_tuning.ts";
export { convBlock, CPU_ACCUMULATORS, CPU_FMAS } from "./_tile_shape.ts";
export type { ConvTile } from "./_tile_shape.ts";

/** The cost of a conv tile whose threads loop `serialLoop` times (see `Cost`). */
function convCost(spec: ConvTile, serialLoop: number): Cost {
  const { batch, srcShape: s, dstShape: d, k } = spec;
  const outs = elements(batch, d);
  return {
    flops: 2 * convProducts(batch, s, d, k, spec.pad) + spec.storeCost.flops * outs,
    bytes: 4 * (elements(batch, s) + k * k * s.c * d.c + outs * (1 + spec.storeCost.reads)),
    serialLoop,
  };
}

/** A convolution kernel whose threads each compute a block of columns × channels. */
export function convTile(spec: ConvTile, tuning: Tuning): Kernel {
  const g = tileShape(spec, tuning);
  const threads = spec.batch * g.hTiles * g.wTiles * g.cTiles;
  const bindings = [...spec.bindings, ...g.weights.bindings];
  // One loop over the input channels per block of rows, else one per kernel row (unrolled
  // or inside a loop over the kernel rows).
  const { k, srcShape: s } = spec;
  const cost = convCost(spec, g.th > 1 ? s.c : k * s.c + (g.weights.unrolled ? 0 : k));
  const body = tileBody(spec, g);
  if (g.lanes) return laneKernel(spec.label, bindings, threads, body, cost, LANES);
  return flatKernel(spec.label, bindings, threads, body, cost, "", workgroupFor(tuning));
}
