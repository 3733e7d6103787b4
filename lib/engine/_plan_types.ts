/**
 * The types of a training plan (`plan.ts` re-exports them all): layers with their shapes, the
 * packed parameter and state layouts, step buffers, optimizer specs and the packed state an
 * executor loads and writes back. The layout contract is documented in `plan.ts`.
 *
 * @module
 */
import type { EngineActivation } from "./engine_vocabulary.ts";
import type { PoolGeometry } from "./_plan_pool.ts";

/** Height, width, channels of one sample's tensor (a flat vector is `[1, 1, n]`). */
export interface Shape3 {
  h: number;
  w: number;
  c: number;
}

/** One trainable variable's place in the packed parameter array. */
export interface ParamSlice {
  /**
   * `<layer index>/kernel`, `/bias`, `/gamma`, `/beta` (parameters) or `/moving_mean`,
   * `/moving_variance` (state); tfjs names differ: match by order.
   */
  name: string;
  /** Index of the layer (in `plan.layers`) that owns it. */
  layer: number;
  /** The tfjs shape: `[kh, kw, cin, cout]`, `[in, out]` or `[out]`. */
  shape: number[];
  /** First element in the packed array. */
  offset: number;
  /** Number of elements. */
  length: number;
}

/** A layer with its resolved per-sample input and output shapes. */
export type PlanLayer =
  & { index: number; input: Shape3; output: Shape3; backpropInput: boolean }
  & (
    | {
      kind: "conv2d";
      /** Kernel rows (the fast paths' square size, see {@linkcode isPlainConv}). */
      kernelSize: number;
      padding: "same" | "valid";
      /** Rows of zero padding before the input (the fast paths' `pads[0] = pads[1]`). */
      pad: number;
      /** Kernel rows and columns. */
      window: [number, number];
      /** Stride in rows and columns. */
      strides: [number, number];
      /** Padded rows before the input (top) and columns before it (left), as a pool's. */
      pads: [number, number];
      activation: EngineActivation;
      kernel: ParamSlice;
      /**
       * With `useBias` false (Keras' `useBias: false`) not a trainable variable: a block of
       * zeros past the parameters (see `storedParams`), read as the bias and whose gradient
       * an executor may write but never applies.
       */
      bias: ParamSlice;
      useBias: boolean;
    }
    | ({ kind: "maxPool" } & PoolGeometry)
    | ({ kind: "avgPool" } & PoolGeometry)
    | { kind: "dropout"; rate: number }
    | { kind: "flatten"; aliasOf: number }
    | {
      kind: "dense";
      /** softmax: the last layer's, applied with the loss (its output holds the logits). */
      activation: EngineActivation | "softmax";
      kernel: ParamSlice;
      /** With `useBias` false a block of zeros past the parameters, as a bias-free conv's. */
      bias: ParamSlice;
      useBias: boolean;
    }
    | { kind: "activation"; activation: EngineActivation }
    | {
      kind: "batchNorm";
      /** Moving-average momentum: `moving ← moving − (moving − batch)·(1 − momentum)`. */
      momentum: number;
      /** Added to the variance before its square root. */
      epsilon: number;
      /** Trainable scale and shift, `[c]` each (tfjs order: gamma then beta). */
      gamma: ParamSlice;
      beta: ParamSlice;
      /** Non-trainable moving statistics, `[c]` each: offsets into `plan.state`'s array. */
      movingMean: ParamSlice;
      movingVariance: ParamSlice;
    }
  );

/** The kinds of step buffers a plan lists. */
export type BufferKind =
  | "images"
  | "labels"
  | "act"
  | "grad"
  | "poolIndex"
  | "dropoutMask"
  | "bnStats";

/** A step buffer: name, element type and element count for the plan's batch size. */
export interface BufferSpec {
  name: string;
  kind: BufferKind;
  /** Owning layer, or −1 for the batch's images and labels. */
  layer: number;
  dtype: "f32" | "u32";
  elements: number;
}

/** Everything an executor needs to lay out and run one training step. */
export interface TrainingPlan {
  arch: string;
  batchSize: number;
  /** Per-sample input shape (28 × 28 × 1). */
  input: Shape3;
  /** Number of classes of the softmax output. */
  classes: number;
  layers: PlanLayer[];
  /** Trainable variables in `model.trainableWeights` order. */
  params: ParamSlice[];
  /** Total packed parameter elements (= the model's parameter count). */
  paramCount: number;
  /**
   * Elements an executor's parameter and gradient arrays hold: `paramCount`, then (from the
   * next multiple of 4, which an optimizer updating 4 lanes at a time never reaches) the zero
   * biases of bias-free convs. Executors update only the first `paramCount`.
   */
  storedParams: number;
  /**
   * Non-trainable state in `model.nonTrainableWeights` order (per batchNorm layer: its
   * `<i>/moving_mean` then `<i>/moving_variance`), offsets into one packed state array.
   */
  state: ParamSlice[];
  /** Total packed state elements (0 without a batchNorm layer). */
  stateCount: number;
  /**
   * Step buffers (x, labels, activations, gradients, pool indices, dropout masks, batch
   * statistics).
   */
  buffers: BufferSpec[];
}

/** Optimizer state arrays per optimizer, each `paramCount` long, named as tfjs' slot suffixes. */
export const OPTIMIZER_SLOTS: Readonly<Record<"rmsprop" | "adam", readonly string[]>> = Object
  .freeze({ rmsprop: ["rms", "momentum"], adam: ["m", "v"] });

/**
 * An optimizer's kind and hyperparameters (read from the tfjs optimizer it replaces); an
 * executor applies exactly tfjs' arithmetic for it.
 */
export type OptimizerSpec =
  | { kind: "rmsprop"; learningRate: number; decay: number; momentum: number; epsilon: number }
  | { kind: "adam"; learningRate: number; beta1: number; beta2: number; epsilon: number }
  | { kind: "sgd"; learningRate: number };

/** A run's state in the packed layout: what executors load and `sync()` writes back. */
export interface PackedTrainingState {
  /** `paramCount` parameters. */
  params: Float32Array<ArrayBuffer>;
  /** One array per slot of {@linkcode OPTIMIZER_SLOTS} (RMSprop: ms, mom; Adam: m, v; SGD: none). */
  slots: Float32Array<ArrayBuffer>[];
  /** Adam's β₁ᵗ, β₂ᵗ as tfjs' `accBeta1` / `accBeta2` hold them (1 for other optimizers). */
  accBeta: [number, number];
  /** `stateCount` non-trainable floats (batchNorm moving statistics; empty without one). */
  state: Float32Array<ArrayBuffer>;
}
