/**
 * The training plan a compiled engine executes: pure data and arithmetic, computed from an
 * architecture's layer list (no tfjs, no WebGPU), shared by every executor (WebGPU, wasm).
 *
 * ## Layout contract (executors and the tfjs interop both rely on it)
 * - **Parameters**: ONE packed float32 array holds every trainable variable, in the order of
 *   tfjs' `model.trainableWeights`: for each conv2d / dense layer in layer order, its kernel
 *   then its bias; for each batchNorm, its gamma then its beta. A conv kernel is stored as tfjs stores it, `[kh, kw, cin, cout]` row-major;
 *   a dense kernel `[in, out]`; a bias `[out]`. `plan.params[i]` is the `i`-th trainable
 *   weight, with its element `offset` into the packed array.
 * - **State**: ONE packed float32 array (`plan.stateCount` elements, `plan.state` slices) holds
 *   the non-trainable variables in `model.nonTrainableWeights` order: per batchNorm layer its
 *   moving mean then its moving variance. Training updates them; inference reads them.
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
 *   does, need not allocate it), `bnStats:<i>` (2·c f32: the batch mean of each channel, then
 *   its 1 / √(var + ε), written by the forward, read by the backward).
 *
 * ## Semantics (what every executor computes, as tfjs does)
 * conv2d: any kernel rows × columns and strides, `valid` or `same` padding resolved as a pool's
 * (`_plan_pool.ts`: the odd padded cell after), a bias or none, then its activation; maxPool / avgPool: any window, strides and `valid` / `same` padding (see
 * `_plan_pool.ts`; a max ignores padded cells, an average divides by the valid cells);
 * dropout: inverted dropout (kept values scaled by 1 / (1 − rate)); dense: `x·W + b`, then its
 * activation or softmax (a bias-free dense reads zeros, as a conv); activation: elementwise;
 * batchNorm (tfjs' BatchNormalization, axis −1, per channel c over the batch's N·H·W values,
 * m of them): y = γ·(x − mean)/√(var + ε) + β with the batch's mean and BIASED variance
 * (Σ(x − mean)²/m), the backward through mean and variance; each step moves the state
 * toward the batch's statistics, `moving ← moving − (moving − batch)·(1 − momentum)`. Activations as tfjs computes them: linear,
 * relu, tanh, sigmoid, elu (α = 1: x > 0 ? x : eˣ − 1), each derivative taken from the
 * output y: relu′ = y > 0, tanh′ = 1 − y², sigmoid′ = y(1 − y), elu′ = y > 0 ? 1 : y + 1.
 * The loss is Keras' sparse categorical cross-entropy on the softmax output with the
 * probabilities clipped to [1e-7, 1 − 1e-7], averaged over the batch (so its gradient w.r.t.
 * the logits is `(p − onehot) / batch`, zero for a row whose label probability was clipped).
 *
 * @module
 */
import type { Architecture } from "../models/architecture.ts";
import { KERAS_EPSILON } from "../models/architecture.ts";
import { getArchitecture } from "../models/architectures.ts";
import { PENDING_KINDS, unsupportedField } from "./engine_vocabulary.ts";
import { stepBuffers } from "./_plan_storage.ts";
import { PLAN_KINDS, type PlanContext } from "./_plan_kinds.ts";
import { packLayout } from "./_plan_pack.ts";
import type { PlanLayer, Shape3, TrainingPlan } from "./_plan_types.ts";

export type * from "./_plan_types.ts";
export type { EngineActivation } from "./engine_vocabulary.ts";
export type { PoolGeometry } from "./_plan_pool.ts";
export { OPTIMIZER_SLOTS } from "./_plan_types.ts";
export { isPool2x2 } from "./_plan_pool.ts";
export { producerActivation, storageLayer } from "./_plan_storage.ts";
export { initialState } from "./_plan_pack.ts";

/** Keras' probability clip of the loss (the one constant `lib/models/loss.ts` uses too). */
export const LOSS_EPSILON: number = KERAS_EPSILON;

const INPUT: Shape3 = { h: 28, w: 28, c: 1 };

/**
 * Whether a conv is the square, stride-1 kind the engines' fast kernels take (wasm's
 * Winograd and im2col, the WebGPU tiles): `kernelSize` and `pad` then say all.
 */
export function isPlainConv(l: Extract<PlanLayer, { kind: "conv2d" }>): boolean {
  return l.window[0] === l.window[1] && l.strides[0] === 1 && l.strides[1] === 1 &&
    l.pads[0] === l.pads[1];
}

function refuse(arch: string, index: number, type: string, why: string): never {
  throw new RangeError(
    `The compiled engine does not support ${arch}'s layer ${index} (${type}): ${why}`,
  );
}

/**
 * Whether a compiled engine can run this architecture, and if not, why (one line): the plan
 * must exist and no layer be of a kind the engines do not train yet (`PENDING_KINDS`).
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
    const spec = typeof arch === "string" ? getArchitecture(arch) : arch;
    planTraining(spec, 1);
    spec.layers.forEach((layer, index) => {
      const why = unsupportedField(layer);
      if (why) refuse(spec.name, index, layer.type, why);
    });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * Resolves an architecture into a training plan for one batch size. A kind the engines do
 * not train yet (`PENDING_KINDS`) is planned, so the reference and the engines' work in
 * progress can use it; {@linkcode engineSupports} refuses it.
 *
 * @param arch An architecture name or object.
 * @param batchSize Samples per step (build one plan per distinct size, tail batch included).
 * @returns The plan: layers with shapes, packed parameter and state layouts, step buffers.
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
 * assert.equal(plan.stateCount, 0);
 * ```
 */
export function planTraining(arch: string | Architecture, batchSize: number): TrainingPlan {
  const spec = typeof arch === "string" ? getArchitecture(arch) : arch;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Batch size must be a positive integer, got ${batchSize}`);
  }
  const pack = packLayout();
  const layers: PlanLayer[] = [];
  let input = INPUT;
  spec.layers.forEach((layer, index) => {
    const fail = (why: string): never => refuse(spec.name, index, layer.type, why);
    const previous = layers.at(-1);
    if (previous?.kind === "dense" && previous.activation === "softmax") {
      fail("only the last layer may be a softmax dense");
    }
    const unsupported = PENDING_KINDS.includes(layer.type) ? undefined : unsupportedField(layer);
    if (unsupported) fail(unsupported);
    const planner = PLAN_KINDS[layer.type] as (l: typeof layer, ctx: PlanContext) => PlanLayer;
    if (!planner) fail("unknown layer type");
    // Backpropagation reaches a layer's input once a trainable variable lies before it.
    const ctx: PlanContext = {
      base: { index, input, backpropInput: pack.params.length > 0 },
      param: (name, dims) => pack.param(index, name, dims),
      zeroBias: (length) => pack.zeroBias(index, length),
      state: (name, dims) => pack.stateSlice(index, name, dims),
      fail,
    };
    const planned = planner(layer, ctx);
    layers.push(planned);
    input = planned.output;
  });
  const last = layers.at(-1);
  if (last?.kind !== "dense" || last.activation !== "softmax") {
    throw new RangeError(`The compiled engine needs ${spec.name} to end in a softmax dense layer`);
  }
  return {
    arch: spec.name,
    batchSize,
    input: INPUT,
    classes: last.output.c,
    layers,
    params: pack.params,
    ...pack.finish(),
    state: pack.state,
    buffers: stepBuffers(layers, INPUT, batchSize),
  };
}
