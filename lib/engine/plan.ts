/**
 * The training plan a compiled engine executes: pure data and arithmetic, computed from an
 * architecture's layer list (no tfjs, no WebGPU), shared by every executor (WebGPU, wasm).
 *
 * ## Layout contract (executors and the tfjs interop both rely on it)
 * - **Parameters**: ONE packed float32 array holds every trainable variable, in the order of
 *   tfjs' `model.trainableWeights`: for each conv2d / dense layer in layer order, its kernel
 *   then its bias. A conv kernel is stored as tfjs stores it, `[kh, kw, cin, cout]` row-major;
 *   a dense kernel `[in, out]`; a bias `[out]`. `plan.params[i]` is the `i`-th trainable
 *   weight, with its element `offset` into the packed array.
 * - **Gradient and optimizer slots** use the same layout: `grad[p.offset + k]` is the
 *   gradient of `params[p.offset + k]`; RMSprop's `ms` and `mom`, and Adam's `m` and `v`, are
 *   further arrays of `paramCount` elements in the same layout (see {@linkcode OPTIMIZER_SLOTS}).
 * - **Activations** are NHWC float32, one buffer per layer output (`batch × h × w × c`);
 *   a flatten's output is the same memory as its input (`aliasOf`). Layer `i`'s input is
 *   layer `i − 1`'s output, or the normalised images (`x`, pixel / 255) for layer 0.
 * - **Step buffers** per layer are listed in `plan.buffers` with their element counts for
 *   the plan's batch size: `act:<i>` (output), `grad:<i>` (loss gradient w.r.t. that output,
 *   only where backpropagation reaches it; the WebGPU executor stores the gradient of a layer
 *   with an activation (conv2d, dense, activation) with the activation′ already applied, i.e.
 *   w.r.t. its pre-activation), `poolIndex:<i>` (u32 flat input index of each window's
 *   maximum; the WebGPU executor stores `0xffffffff` for a window whose maximum is 0 after a
 *   ReLU, so its gradient needs no activation load), `dropoutMask:<i>` (f32 keep-scale: 0 or
 *   1 / (1 − rate); an executor that recomputes its masks from a hash, as the WebGPU one
 *   does, need not allocate it).
 *
 * ## Semantics (what every executor computes, as tfjs does)
 * conv2d: any kernel rows × columns and strides, `valid` or `same` padding resolved as a pool's
 * (`_plan_pool.ts`: the odd padded cell after), a bias or none, then its activation; maxPool / avgPool: any window, strides and `valid` / `same` padding (see
 * `_plan_pool.ts`; a max ignores padded cells, an average divides by the valid cells);
 * dropout: inverted dropout (kept values scaled by 1 / (1 − rate)); dense: `x·W + b`, then its
 * activation or softmax; activation: elementwise. Activations as tfjs computes them: linear,
 * relu, tanh, sigmoid, elu (α = 1: x > 0 ? x : eˣ − 1), each derivative taken from the
 * output y: relu′ = y > 0, tanh′ = 1 − y², sigmoid′ = y(1 − y), elu′ = y > 0 ? 1 : y + 1.
 * The loss is Keras' sparse categorical cross-entropy on the softmax output with the
 * probabilities clipped to [1e-7, 1 − 1e-7], averaged over the batch (so its gradient w.r.t.
 * the logits is `(p − onehot) / batch`, zero for a row whose label probability was clipped).
 *
 * @module
 */
import { type Architecture, KERAS_EPSILON, type LayerSpec } from "../models/architecture.ts";
import { getArchitecture } from "../models/architectures.ts";
import { type EngineActivation, unsupportedField } from "./engine_vocabulary.ts";
import { stepBuffers } from "./_plan_storage.ts";
import { planPool, type PoolGeometry } from "./_plan_pool.ts";

export type { EngineActivation, PoolGeometry };
export { isPool2x2 } from "./_plan_pool.ts";
export { producerActivation, storageLayer } from "./_plan_storage.ts";

/** Height, width, channels of one sample's tensor (a flat vector is `[1, 1, n]`). */
export interface Shape3 {
  h: number;
  w: number;
  c: number;
}

/** One trainable variable's place in the packed parameter array. */
export interface ParamSlice {
  /** `<layer index>/kernel` or `<layer index>/bias` (tfjs names differ; match by order). */
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
      bias: ParamSlice;
    }
    | { kind: "activation"; activation: EngineActivation }
  );

/** The kinds of step buffers a plan lists. */
export type BufferKind = "images" | "labels" | "act" | "grad" | "poolIndex" | "dropoutMask";

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
  /** Step buffers (x, labels, activations, gradients, pool indices, dropout masks). */
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
}

/** Keras' probability clip of the loss (the one constant `lib/models/loss.ts` uses too). */
export const LOSS_EPSILON: number = KERAS_EPSILON;

const INPUT: Shape3 = { h: 28, w: 28, c: 1 };
const show = (v: unknown) => JSON.stringify(v);

/**
 * Whether a conv is the square, stride-1 kind the engines' fast kernels take (wasm's
 * Winograd and im2col, the WebGPU tiles): `kernelSize` and `pad` then say all.
 */
export function isPlainConv(l: Extract<PlanLayer, { kind: "conv2d" }>): boolean {
  return l.window[0] === l.window[1] && l.strides[0] === 1 && l.strides[1] === 1 &&
    l.pads[0] === l.pads[1];
}
const size = (s: Shape3) => s.h * s.w * s.c;

/**
 * Whether a compiled engine can run this architecture, and if not, why (one line).
 *
 * @param arch An architecture name or object.
 * @returns `{ ok: true }` or `{ ok: false, reason }`.
 * @example
 * ```ts
 * import { engineSupports } from "./plan.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(engineSupports("cnn-deep"), { ok: true });
 * ```
 */
export function engineSupports(
  arch: string | Architecture,
): { ok: true } | { ok: false; reason: string } {
  try {
    planTraining(arch, 1);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * Resolves an architecture into a training plan for one batch size.
 *
 * @param arch An architecture name or object.
 * @param batchSize Samples per step (build one plan per distinct size, tail batch included).
 * @returns The plan: layers with shapes, packed parameter layout, step buffers.
 * @throws {RangeError} for an unknown name, a bad batch size, or a layer outside the
 *   engine's vocabulary (the message says which and why).
 * @example
 * ```ts
 * import { planTraining } from "./plan.ts";
 * import assert from "node:assert/strict";
 *
 * const plan = planTraining("cnn-deep", 64);
 * assert.equal(plan.paramCount, 93_322);
 * assert.deepEqual(plan.params.map((p) => p.shape.length), [4, 1, 4, 1, 4, 1, 2, 1, 2, 1]);
 * ```
 */
export function planTraining(arch: string | Architecture, batchSize: number): TrainingPlan {
  const spec = typeof arch === "string" ? getArchitecture(arch) : arch;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Batch size must be a positive integer, got ${batchSize}`);
  }
  const layers: PlanLayer[] = [];
  const params: ParamSlice[] = [];
  let shape = INPUT;
  let offset = 0;
  let seenParams = false;
  /** Zero biases of bias-free convs, placed past the parameters once their count is known. */
  const zeroBiases: ParamSlice[] = [];
  const slice = (layer: number, kind: string, dims: number[]): ParamSlice => {
    const length = dims.reduce((a, b) => a * b, 1);
    const p = { name: `${layer}/${kind}`, layer, shape: dims, offset, length };
    offset += length;
    params.push(p);
    return p;
  };
  spec.layers.forEach((layer: LayerSpec, index) => {
    const fail = (why: string) => {
      throw new RangeError(
        `The compiled engine does not support ${spec.name}'s layer ${index} (${layer.type}): ${why}`,
      );
    };
    const base = { index, input: shape, backpropInput: seenParams };
    if (
      layers.at(-1)?.kind === "dense" &&
      (layers.at(-1) as { activation: string }).activation === "softmax"
    ) {
      fail("only the last layer may be a softmax dense");
    }
    const unsupported = unsupportedField(layer);
    if (unsupported) fail(unsupported);
    switch (layer.type) {
      case "conv2d": {
        const padding = layer.padding ?? "valid";
        if (shape.h === 1 && shape.w === 1 && index > 0) fail("conv2d after flatten");
        // Keras' conv output sizes and `same` padding are a pool's (see _plan_pool.ts).
        const g = planPool(
          { ...layer, poolSize: layer.kernelSize, strides: layer.strides ?? 1 },
          shape.h,
          shape.w,
        );
        if (!g) {
          fail(`kernel ${show(layer.kernelSize)} larger than its ${shape.h}×${shape.w} input`);
        }
        const { h, w, pool: window, strides, pad: pads } = g!;
        const output = { h, w, c: layer.filters };
        const k = window[0];
        const kernel = slice(index, "kernel", [...window, shape.c, layer.filters]);
        const useBias = layer.useBias !== false;
        const bias = useBias ? slice(index, "bias", [layer.filters]) : {
          name: `${index}/bias`,
          layer: index,
          shape: [layer.filters],
          offset: 0,
          length: layer.filters,
        };
        if (!useBias) zeroBiases.push(bias);
        layers.push({
          ...base,
          kind: "conv2d",
          output,
          kernelSize: k,
          padding,
          pad: pads[0],
          window,
          strides,
          pads,
          activation: (layer.activation ?? "relu") as EngineActivation,
          kernel,
          bias,
          useBias,
        });
        shape = output;
        break;
      }
      case "maxPool":
      case "avgPool": {
        const g = planPool(layer, shape.h, shape.w);
        if (!g) fail("input smaller than the pool");
        const { h, w, ...geometry } = g!;
        const output = { h, w, c: shape.c };
        layers.push({ ...base, kind: layer.type, output, ...geometry });
        shape = output;
        break;
      }
      case "dropout":
        if (!(layer.rate >= 0 && layer.rate < 1)) fail(`rate ${layer.rate} outside [0, 1)`);
        layers.push({ ...base, kind: "dropout", output: shape, rate: layer.rate });
        break;
      case "activation":
        // unsupportedField has refused softmax here.
        layers.push({
          ...base,
          kind: "activation",
          output: shape,
          activation: layer.activation as EngineActivation,
        });
        break;
      case "flatten": {
        const output = { h: 1, w: 1, c: size(shape) };
        layers.push({ ...base, kind: "flatten", output, aliasOf: index - 1 });
        shape = output;
        break;
      }
      case "dense": {
        if (shape.h !== 1 || shape.w !== 1) fail("dense on a spatial input (add a flatten)");
        const kernel = slice(index, "kernel", [shape.c, layer.units]);
        const bias = slice(index, "bias", [layer.units]);
        const output = { h: 1, w: 1, c: layer.units };
        const activation = layer.activation as EngineActivation | "softmax";
        layers.push({ ...base, kind: "dense", output, activation, kernel, bias });
        shape = output;
        break;
      }
      default:
        fail("unknown layer type");
    }
    if (layer.type === "conv2d" || layer.type === "dense") seenParams = true;
  });
  const last = layers.at(-1);
  if (last?.kind !== "dense" || last.activation !== "softmax") {
    throw new RangeError(`The compiled engine needs ${spec.name} to end in a softmax dense layer`);
  }
  let storedParams = offset + (zeroBiases.length > 0 ? (4 - offset % 4) % 4 : 0);
  for (const bias of zeroBiases) {
    bias.offset = storedParams;
    storedParams += bias.length;
  }
  return {
    arch: spec.name,
    batchSize,
    input: INPUT,
    classes: last.output.c,
    layers,
    params,
    paramCount: offset,
    storedParams,
    buffers: stepBuffers(layers, INPUT, batchSize),
  };
}
