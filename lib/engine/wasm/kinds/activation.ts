/**
 * The activation kind (`kernels/activation.h`): an elementwise activation layer, its
 * derivative taken from the output.
 *
 * @module
 */
import type { PlanLayer } from "../../plan.ts";
import { ACTIVATION_CODE, OP } from "../_layout.ts";
import { type LayerIO, type LayerKind, type LayerOps, NO_SCRATCH } from "./_kind.ts";

type Activation = Extract<PlanLayer, { kind: "activation" }>;

function ops(l: Activation, io: LayerIO): LayerOps {
  const { h, w, c } = l.input;
  const n = h * w * c;
  const act = ACTIVATION_CODE[l.activation];
  const forward = [OP.ACT, io.inp, io.out, n, act];
  return {
    forward: [forward],
    backward: io.dIn ? [[OP.ACT_BWD, io.dOut, io.dIn, io.out, n, act]] : [],
    infer: [forward],
  };
}

/** The activation kind. */
export const activation: LayerKind<Activation> = { scratch: () => NO_SCRATCH, ops };
