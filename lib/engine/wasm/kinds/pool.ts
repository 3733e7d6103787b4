/**
 * The maxPool and avgPool kinds: the 2×2 stride-2 max-pool as OP_POOL (`kernels/pool.h`;
 * its gradient applies the preceding conv's activation′, at the max the conv output being
 * the pooled value), every other window, stride and padding, max or average, as OP_GPOOL
 * (`kernels/gpool.h`).
 *
 * @module
 */
import type { PlanLayer } from "../../plan.ts";
import { ACTIVATION_CODE, OP } from "../_layout.ts";
import { isFastPool } from "./conv2d.ts";
import { type LayerIO, type LayerKind, type LayerOps, NO_SCRATCH } from "./_kind.ts";

type Pool = Extract<PlanLayer, { kind: "maxPool" | "avgPool" }>;

function general(l: Pool, io: LayerIO): LayerOps {
  const { h, w, c } = l.input;
  const index = l.kind === "maxPool" ? io.buffer(`poolIndex:${l.index}`) : 0;
  const shape = [index, h, w, c, l.output.h, l.output.w, ...l.pool, ...l.strides];
  const tail = [...l.pad, l.kind === "avgPool" ? 1 : 0];
  const forward = [OP.GPOOL, io.inp, io.out, ...shape, ...tail];
  const backward = io.dIn ? [[OP.GPOOL_BWD, io.dOut, io.dIn, ...shape, ...tail]] : [];
  return { forward: [forward], backward, infer: [forward] };
}

function ops(l: Pool, io: LayerIO): LayerOps {
  if (!isFastPool(l)) return general(l, io);
  const { h, w, c } = l.input;
  const index = io.buffer(`poolIndex:${l.index}`);
  const forward = [OP.POOL, io.inp, io.out, index, h, w, c, l.output.h, l.output.w];
  const prev = io.plan.layers[l.index - 1];
  const fold = prev?.kind === "conv2d" ? ACTIVATION_CODE[prev.activation] : 0;
  const shape = [h, w, c, l.output.h, l.output.w];
  const backward = io.dIn ? [[OP.POOL_BWD, io.dOut, io.dIn, index, ...shape, io.out, fold]] : [];
  return { forward: [forward], backward, infer: [forward] };
}

/** The maxPool and avgPool kinds. */
export const pool: LayerKind<Pool> = { scratch: () => NO_SCRATCH, ops };
