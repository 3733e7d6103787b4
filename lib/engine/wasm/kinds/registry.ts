/**
 * The CPU engine's layer kinds, one table typed over every plan layer kind: a kind the plan
 * gains and the engine lacks fails the type check here. Adding a kind: its module in this
 * folder, its C header in `kernels/` (dispatched from `step.c`'s table) and its op codes in
 * `_layout.ts` and `kernels/step.h`.
 *
 * @module
 */
import type { PlanLayer } from "../../plan.ts";
import type { LayerKind } from "./_kind.ts";
import { activation } from "./activation.ts";
import { batchNorm } from "./batch_norm.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { dropout } from "./dropout.ts";
import { flatten } from "./flatten.ts";
import { pool } from "./pool.ts";

/** Each plan layer kind's module. */
export const LAYER_KINDS: {
  readonly [K in PlanLayer["kind"]]: LayerKind<Extract<PlanLayer, { kind: K }>>;
} = {
  conv2d,
  maxPool: pool,
  avgPool: pool,
  dropout,
  flatten,
  dense,
  activation,
  batchNorm,
};

/** The module of a layer's kind. */
export function layerKind(layer: PlanLayer): LayerKind<PlanLayer> {
  return LAYER_KINDS[layer.kind] as LayerKind<PlanLayer>;
}
