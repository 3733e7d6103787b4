/**
 * Shape arithmetic of an architecture, in one place: each layer's output shape and weight
 * shapes (TensorFlow's rules: `valid` → ⌊(n − k) / s⌋ + 1, `same` → ⌈n / s⌉), so the
 * validator, the saved-model check and the parameter counts agree with what tfjs builds.
 *
 * @module
 */
import { IMAGE_SIZE } from "../data/types.ts";
import { type LayerSpec, type Padding, pair, type Size2 } from "./architecture.ts";

/** Height, width and channels of one sample (a flat vector is `[1, 1, n]`). */
export interface Shape3 {
  h: number;
  w: number;
  c: number;
}

/** A layer's output shape and weights, in tfjs' order within the layer. */
export interface LayerShape {
  /** Output shape per sample. */
  output: Shape3;
  /** Shapes of the trainable weights (kernel, bias; gamma, beta). */
  trainable: number[][];
  /** Shapes of the non-trainable weights (BatchNormalization's moving mean and variance). */
  nonTrainable: number[][];
}

/** The input of every architecture: 28×28×1. */
export const INPUT_SHAPE3: Readonly<Shape3> = Object.freeze({ h: IMAGE_SIZE, w: IMAGE_SIZE, c: 1 });

/** One spatial output size under TensorFlow's padding rule (≤ 0 when the window does not fit). */
export function outputSize(n: number, k: number, stride: number, padding: Padding): number {
  return padding === "same" ? Math.ceil(n / stride) : Math.floor((n - k) / stride) + 1;
}

function windowed(input: Shape3, k: Size2, s: Size2 | undefined, padding: Padding | undefined) {
  const [kh, kw] = pair(k);
  const [sh, sw] = pair(s ?? 1);
  const p = padding ?? "valid";
  return { h: outputSize(input.h, kh, sh, p), w: outputSize(input.w, kw, sw, p) };
}

/**
 * The output and weight shapes of one layer on a given input. Values are not checked here
 * (see `validateArchitecture`); a window larger than its input gives a size ≤ 0.
 */
export function layerShape(layer: LayerSpec, input: Shape3): LayerShape {
  const none = { trainable: [], nonTrainable: [] };
  switch (layer.type) {
    case "conv2d": {
      const [kh, kw] = pair(layer.kernelSize);
      const bias = layer.useBias === false ? [] : [[layer.filters]];
      return {
        output: {
          ...windowed(input, layer.kernelSize, layer.strides, layer.padding),
          c: layer.filters,
        },
        trainable: [[kh, kw, input.c, layer.filters], ...bias],
        nonTrainable: [],
      };
    }
    case "maxPool":
    case "avgPool": {
      const spatial = windowed(
        input,
        layer.poolSize,
        layer.strides ?? layer.poolSize,
        layer.padding,
      );
      return { output: { ...spatial, c: input.c }, ...none };
    }
    case "dropout":
    case "activation":
      return { output: input, ...none };
    case "flatten":
      return { output: { h: 1, w: 1, c: input.h * input.w * input.c }, ...none };
    case "dense": {
      const bias = layer.useBias === false ? [] : [[layer.units]];
      return {
        output: { h: 1, w: 1, c: layer.units },
        trainable: [[input.c, layer.units], ...bias],
        nonTrainable: [],
      };
    }
    case "batchNorm":
      return {
        output: input,
        trainable: [[input.c], [input.c]],
        nonTrainable: [[input.c], [input.c]],
      };
  }
}

/** Elements of a shape. */
export const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Every layer's shapes, from the 28×28×1 input on.
 *
 * @example LeNet's first conv and pool
 * ```ts
 * import { layerShapes } from "./layer_shapes.ts";
 * import assert from "node:assert/strict";
 *
 * const [conv, pool] = layerShapes([
 *   { type: "conv2d", filters: 6, kernelSize: 5, padding: "same", activation: "tanh" },
 *   { type: "avgPool", poolSize: 2 },
 * ]);
 * assert.deepEqual(conv!.output, { h: 28, w: 28, c: 6 });
 * assert.deepEqual(pool!.output, { h: 14, w: 14, c: 6 });
 * ```
 */
export function layerShapes(layers: readonly LayerSpec[]): LayerShape[] {
  let input: Shape3 = INPUT_SHAPE3;
  return layers.map((layer) => {
    const shape = layerShape(layer, input);
    input = shape.output;
    return shape;
  });
}

/**
 * All parameters of an architecture's layers (trainable and not), as `model.countParams()`.
 *
 * @example
 * ```ts
 * import { countParams } from "./layer_shapes.ts";
 * import { getArchitecture } from "./architectures.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(countParams(getArchitecture("cnn-deep").layers), 93_322);
 * ```
 */
export function countParams(layers: readonly LayerSpec[]): number {
  return layerShapes(layers).reduce(
    (sum, l) => sum + [...l.trainable, ...l.nonTrainable].reduce((s, w) => s + elements(w), 0),
    0,
  );
}
