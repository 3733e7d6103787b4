/**
 * Builds an uncompiled tfjs layers model from an architecture's data.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { KERAS_BATCH_NORM, type LayerSpec, pair } from "./architecture.ts";
import { type ArchitectureInput, resolveArchitecture } from "./resolve_architecture.ts";
import { IMAGE_SIZE } from "../data/types.ts";

/** Options for {@linkcode buildModel}. */
export interface BuildModelOptions {
  /**
   * Seed for the weight initialisers (Glorot-uniform kernels, zero biases, as Keras).
   * Each layer gets `seed + its index`, so two builds with one seed are identical.
   * @default undefined (random)
   */
  seed?: number;
}

/** The input shape of every architecture: one 28×28 grayscale channel (NHWC). */
export const INPUT_SHAPE: [number, number, number] = [IMAGE_SIZE, IMAGE_SIZE, 1];

function buildLayer(spec: LayerSpec, index: number, seed: number | undefined): tf.layers.Layer {
  const layerSeed = seed === undefined ? undefined : seed + index;
  const kernelInitializer = tf.initializers.glorotUniform({ seed: layerSeed });
  const inputShape = index === 0 ? INPUT_SHAPE : undefined;
  switch (spec.type) {
    case "conv2d":
      return tf.layers.conv2d({
        inputShape,
        filters: spec.filters,
        kernelSize: pair(spec.kernelSize),
        strides: pair(spec.strides ?? 1),
        padding: spec.padding ?? "valid",
        useBias: spec.useBias ?? true,
        activation: spec.activation ?? "relu",
        kernelInitializer,
      });
    case "maxPool":
    case "avgPool": {
      const args = {
        inputShape,
        poolSize: pair(spec.poolSize),
        strides: pair(spec.strides ?? spec.poolSize),
        padding: spec.padding ?? "valid",
      };
      return spec.type === "maxPool"
        ? tf.layers.maxPooling2d(args)
        : tf.layers.averagePooling2d(args);
    }
    case "dropout":
      return tf.layers.dropout({ inputShape, rate: spec.rate });
    case "flatten":
      return tf.layers.flatten({ inputShape });
    case "dense":
      return tf.layers.dense({
        inputShape,
        units: spec.units,
        activation: spec.activation,
        useBias: spec.useBias ?? true,
        kernelInitializer,
      });
    case "activation":
      return tf.layers.activation({ inputShape, activation: spec.activation });
    case "batchNorm":
      return tf.layers.batchNormalization({
        inputShape,
        momentum: spec.momentum ?? KERAS_BATCH_NORM.momentum,
        epsilon: spec.epsilon ?? KERAS_BATCH_NORM.epsilon,
      });
  }
}

/**
 * Builds an architecture (a registry name, a Keras / tfjs model JSON, or an
 * `Architecture` object) as an uncompiled `tf.Sequential` with input
 * `[batch, 28, 28, 1]` and a 10-way softmax output.
 *
 * Building creates the weights, so a backend must be active: call `selectBackend()` first
 * when this library's backends are imported (they start asynchronously).
 *
 * @throws {RangeError} for an unknown architecture name.
 * @throws {ArchitectureError} for a malformed model JSON or architecture value.
 *
 * @example Build the seed CNN and count its parameters
 * ```ts
 * import { buildModel } from "./build_model.ts";
 * import assert from "node:assert/strict";
 *
 * const model = buildModel("cnn-deep", { seed: 1 });
 * assert.equal(model.countParams(), 93_322);
 * assert.deepEqual(model.outputs[0]!.shape, [null, 10]);
 * ```
 */
export function buildModel(
  arch: ArchitectureInput,
  options: BuildModelOptions = {},
): tf.Sequential {
  const spec = resolveArchitecture(arch);
  const model = tf.sequential({ name: spec.name.replaceAll("-", "_").replaceAll(".", "_") });
  spec.layers.forEach((layer, i) => model.add(buildLayer(layer, i, options.seed)));
  return model;
}
