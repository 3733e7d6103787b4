/**
 * One planning function per layer kind, in one table ({@linkcode PLAN_KINDS}): each turns a
 * layer's fields and its input shape into a `PlanLayer`, taking its trainable variables, zero
 * biases and non-trainable state from the {@linkcode PlanContext} `planTraining` hands it
 * (which owns the packed layouts). Adding a layer kind adds one entry here.
 *
 * @module
 */
import { KERAS_BATCH_NORM, type LayerSpec, type LayerType } from "../models/architecture.ts";
import type { EngineActivation } from "./engine_vocabulary.ts";
import { planPool } from "./_plan_pool.ts";
import type { ParamSlice, PlanLayer, Shape3 } from "./_plan_types.ts";

/** What a kind's planner gets besides its layer's fields. */
export interface PlanContext {
  /** The layer's index, input shape and whether it backpropagates into its input. */
  base: { index: number; input: Shape3; backpropInput: boolean };
  /** A trainable variable `<index>/<name>`, appended to the packed parameters. */
  param(name: string, dims: number[]): ParamSlice;
  /** A block of zeros read as a bias (not trainable; placed past the parameters). */
  zeroBias(length: number): ParamSlice;
  /** A non-trainable variable `<index>/<name>`, appended to the packed state. */
  state(name: string, dims: number[]): ParamSlice;
  /** Refuses the layer with one line saying why. */
  fail(why: string): never;
}

type Planner<T extends LayerType> = (
  layer: Extract<LayerSpec, { type: T }>,
  ctx: PlanContext,
) => PlanLayer;

const show = (v: unknown) => JSON.stringify(v);
const size = (s: Shape3) => s.h * s.w * s.c;

const conv2d: Planner<"conv2d"> = (layer, ctx) => {
  const { input, index } = ctx.base;
  if (input.h === 1 && input.w === 1 && index > 0) ctx.fail("conv2d after flatten");
  // Keras' conv output sizes and `same` padding are a pool's (see _plan_pool.ts).
  const g = planPool(
    { ...layer, poolSize: layer.kernelSize, strides: layer.strides ?? 1 },
    input.h,
    input.w,
  ) ?? ctx.fail(`kernel ${show(layer.kernelSize)} larger than its ${input.h}×${input.w} input`);
  const { h, w, pool: window, strides, pad: pads } = g;
  const kernel = ctx.param("kernel", [...window, input.c, layer.filters]);
  const useBias = layer.useBias !== false;
  const bias = useBias ? ctx.param("bias", [layer.filters]) : ctx.zeroBias(layer.filters);
  return {
    ...ctx.base,
    kind: "conv2d",
    output: { h, w, c: layer.filters },
    kernelSize: window[0],
    padding: layer.padding ?? "valid",
    pad: pads[0],
    window,
    strides,
    pads,
    activation: (layer.activation ?? "relu") as EngineActivation,
    kernel,
    bias,
    useBias,
  };
};

const pool = (
  layer: Extract<LayerSpec, { type: "maxPool" | "avgPool" }>,
  ctx: PlanContext,
): PlanLayer => {
  const { input } = ctx.base;
  const g = planPool(layer, input.h, input.w) ?? ctx.fail("input smaller than the pool");
  const { h, w, ...geometry } = g;
  return { ...ctx.base, kind: layer.type, output: { h, w, c: input.c }, ...geometry };
};

const dense: Planner<"dense"> = (layer, ctx) => {
  const { input } = ctx.base;
  if (input.h !== 1 || input.w !== 1) ctx.fail("dense on a spatial input (add a flatten)");
  const kernel = ctx.param("kernel", [input.c, layer.units]);
  const useBias = layer.useBias !== false;
  const bias = useBias ? ctx.param("bias", [layer.units]) : ctx.zeroBias(layer.units);
  const output = { h: 1, w: 1, c: layer.units };
  const activation = layer.activation as EngineActivation | "softmax";
  return { ...ctx.base, kind: "dense", output, activation, kernel, bias, useBias };
};

const batchNorm: Planner<"batchNorm"> = (layer, ctx) => {
  const { input } = ctx.base;
  const momentum = layer.momentum ?? KERAS_BATCH_NORM.momentum;
  const epsilon = layer.epsilon ?? KERAS_BATCH_NORM.epsilon;
  if (!(momentum >= 0 && momentum <= 1)) ctx.fail(`momentum ${momentum} outside [0, 1]`);
  if (!(epsilon > 0)) ctx.fail(`epsilon ${epsilon} not positive`);
  return {
    ...ctx.base,
    kind: "batchNorm",
    output: input,
    momentum,
    epsilon,
    gamma: ctx.param("gamma", [input.c]),
    beta: ctx.param("beta", [input.c]),
    movingMean: ctx.state("moving_mean", [input.c]),
    movingVariance: ctx.state("moving_variance", [input.c]),
  };
};

const kinds: { readonly [T in LayerType]: Planner<T> } = {
  conv2d,
  maxPool: pool,
  avgPool: pool,
  dropout: (layer, ctx) => {
    if (!(layer.rate >= 0 && layer.rate < 1)) ctx.fail(`rate ${layer.rate} outside [0, 1)`);
    return { ...ctx.base, kind: "dropout", output: ctx.base.input, rate: layer.rate };
  },
  // unsupportedField has refused softmax here.
  activation: (layer, ctx) => ({
    ...ctx.base,
    kind: "activation",
    output: ctx.base.input,
    activation: layer.activation as EngineActivation,
  }),
  flatten: (_layer, ctx) => ({
    ...ctx.base,
    kind: "flatten",
    output: { h: 1, w: 1, c: size(ctx.base.input) },
    aliasOf: ctx.base.index - 1,
  }),
  dense,
  batchNorm,
};

/** Every layer kind's planner, by `LayerSpec.type`. */
export const PLAN_KINDS: { readonly [T in LayerType]: Planner<T> } = Object.freeze(kinds);
