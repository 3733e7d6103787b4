/**
 * The dropout kind (`kernels/dropout.h`): inverted dropout, its mask drawn from a hash of
 * the element and the layer's seed for the step; the identity (a copy) in inference.
 *
 * @module
 */
import type { PlanLayer } from "../../plan.ts";
import { ACTIVATION_CODE, f32bits, OP } from "../_layout.ts";
import { type LayerIO, type LayerKind, type LayerOps, NO_SCRATCH } from "./_kind.ts";

type Dropout = Extract<PlanLayer, { kind: "dropout" }>;

function ops(l: Dropout, io: LayerIO): LayerOps {
  const { h, w, c } = l.input;
  const n = h * w * c;
  const mask = io.bufferOr(`dropoutMask:${l.index}`, io.plan.batchSize * n * 4);
  const keep = Math.fround(1 - l.rate);
  const rate = f32bits(l.rate), scale = f32bits(1 / keep);
  return {
    forward: [[OP.DROP, io.inp, io.out, mask, n, rate, scale, io.seedSlot()]],
    backward: io.dIn ? [[OP.DROP_BWD, io.dOut, io.dIn, mask, n]] : [],
    infer: [[OP.ACT, io.inp, io.out, n, ACTIVATION_CODE.linear]],
  };
}

/** The dropout kind. */
export const dropout: LayerKind<Dropout> = { scratch: () => NO_SCRATCH, ops };
