/**
 * The dense kind (`kernels/dense.h`): `x·W + b` and the activation (the last layer's
 * softmax is the loss op's, its output holding the logits).
 *
 * @module
 */
import type { PlanLayer } from "../../plan.ts";
import { ACTIVATION_CODE, OP } from "../_layout.ts";
import { type LayerIO, type LayerKind, type LayerOps, NO_SCRATCH } from "./_kind.ts";

type Dense = Extract<PlanLayer, { kind: "dense" }>;

function ops(l: Dense, io: LayerIO): LayerOps {
  const act = ACTIVATION_CODE[l.activation];
  const shape = [l.kernel.offset, l.bias.offset, l.input.c, l.output.c, act];
  const forward = [OP.DENSE, io.inp, io.out, ...shape];
  return {
    forward: [forward],
    backward: [[OP.DENSE_BWD, io.inp, io.out, io.dOut, io.dIn, ...shape]],
    infer: [forward],
  };
}

/** The dense kind. */
export const dense: LayerKind<Dense> = { scratch: () => NO_SCRATCH, ops };
