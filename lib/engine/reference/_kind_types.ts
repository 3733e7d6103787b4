/**
 * What every float64 layer kind of the reference implements, and the tie margin its
 * screening uses (shared by `_layer_kinds.ts` and `_activations.ts`).
 *
 * @module
 */
import type { PlanLayer } from "../plan.ts";

/** What a layer kind's forward and backward see besides its input. */
export interface KindContext {
  /** Samples in the step. */
  n: number;
  /** Packed parameters (plan layout), float64. */
  params: Float64Array;
  /** Packed gradient (plan layout), accumulated into. */
  grads: Float64Array;
  /** Packed non-trainable state before the step (plan layout: `plan.state`). */
  state: Float64Array;
  /** The state after the step: a copy of `state` the training forward updates. */
  nextState: Float64Array;
  /** Dropout's keep decision for element `i` of layer `layer`'s output. */
  keep: (layer: number, i: number) => boolean;
  /**
   * Called with a sample whose ReLU, max-pool or largest-logit decision is within
   * {@linkcode TIE} of a tie, where float32 rounding may legitimately decide it the other way.
   */
  tie: (sample: number) => void;
}

/**
 * Relative margin under which a decision counts as a tie: a ReLU input within `TIE` of
 * zero relative to the sum of its terms' magnitudes, or a pool window's two largest values
 * within `TIE` of each other. Float32 dot products of a few hundred terms are off by about
 * 1e-6 of that sum, so 1e-5 leaves a tenfold margin.
 */
export const TIE = 1e-5;

/** A layer kind: its output from its input, and its input's gradient from its output's. */
export interface LayerKind<L extends PlanLayer = PlanLayer> {
  forward(l: L, x: Float64Array, ctx: KindContext): Float64Array;
  /** Adds parameter gradients into `ctx.grads`; returns dx (null when not needed). */
  backward(
    l: L,
    x: Float64Array,
    y: Float64Array,
    dy: Float64Array,
    ctx: KindContext,
  ): Float64Array | null;
}
