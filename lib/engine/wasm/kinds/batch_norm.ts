/**
 * The batchNorm kind (`kernels/batch_norm.h`), as tfjs' BatchNormalization (axis −1) trains
 * it: the forward and the backward each need sums over the whole batch, so each is a
 * per-chunk partial sum, an `OP.SYNC` (the end of a phase: every chunk's sums are in), then
 * the op that combines them in chunk order and goes on per chunk. Inference normalises with
 * the moving statistics of the engine's state array.
 *
 * @module
 */
import type { PlanLayer } from "../../plan.ts";
import { f32bits, OP } from "../_layout.ts";
import type { LayerIO, LayerKind, LayerOps, ScratchNeed } from "./_kind.ts";

type BatchNorm = Extract<PlanLayer, { kind: "batchNorm" }>;

/** The backward's 2·c double sums (Σdy·x̂, Σdy), then 2·c floats (mean, invStd). */
const scratch = (l: BatchNorm): ScratchNeed => ({ shared: 6 * l.input.c, own: 0 });

function ops(l: BatchNorm, io: LayerIO): LayerOps {
  const { h, w, c } = l.input;
  const hw = h * w;
  const stats = io.buffer(`bnStats:${l.index}`);
  const partials = io.bufferOr(`bnPartials:${l.index}`, io.chunks * 2 * c * 8);
  const [gamma, beta] = [l.gamma.offset, l.beta.offset];
  const [mean, variance] = [l.movingMean.offset, l.movingVariance.offset];
  const eps = f32bits(l.epsilon), decay = f32bits(1 - l.momentum);
  const dx = [OP.BN_DX, io.inp, io.dOut, io.dIn, stats, gamma, beta, hw, c];
  return {
    forward: [
      [OP.BN_STATS, io.inp, partials, hw, c],
      [OP.SYNC],
      [OP.BN, io.inp, io.out, partials, stats, gamma, beta, mean, variance, hw, c, eps, decay],
    ],
    backward: [
      [OP.BN_GRAD, io.inp, io.dOut, partials, gamma, beta, hw, c, eps],
      ...(io.dIn ? [[OP.SYNC], dx] : []),
    ],
    infer: [[OP.BN_INFER, io.inp, io.out, gamma, beta, mean, variance, hw, c, eps]],
  };
}

/** The batchNorm kind. */
export const batchNorm: LayerKind<BatchNorm> = { scratch, ops };
