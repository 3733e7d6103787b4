/**
 * What a saved `model.json` must say for an architecture: each layer spec's Keras class and the
 * settings that decide its size (filters, units, kernel and pool sizes, strides, padding, rates,
 * batchNorm's momentum and epsilon), as tfjs serialises them, and its weight shapes in tfjs'
 * save order. The saved-model check (`_model_json.ts`) compares against it; the web app's
 * topology writer builds from it.
 *
 * @module
 */
import { KERAS_BATCH_NORM, type LayerSpec, pair } from "./architecture.ts";
import { layerShapes } from "./layer_shapes.ts";

/** A layer as tfjs serialises it: its Keras class and its size-relevant settings. */
export interface ExpectedLayer {
  className: string;
  config: Record<string, unknown>;
}

/** Each layer type's Keras class. */
export const CLASS_NAMES: Readonly<Record<LayerSpec["type"], string>> = {
  conv2d: "Conv2D",
  maxPool: "MaxPooling2D",
  avgPool: "AveragePooling2D",
  dropout: "Dropout",
  flatten: "Flatten",
  dense: "Dense",
  activation: "Activation",
  batchNorm: "BatchNormalization",
};

/** The size-relevant settings of a layer, as tfjs serialises them. */
export function expectedConfig(layer: LayerSpec): Record<string, unknown> {
  switch (layer.type) {
    case "conv2d":
      return {
        filters: layer.filters,
        kernel_size: pair(layer.kernelSize),
        strides: pair(layer.strides ?? 1),
        padding: layer.padding ?? "valid",
        use_bias: layer.useBias ?? true,
        activation: layer.activation ?? "relu",
      };
    case "maxPool":
    case "avgPool":
      return {
        pool_size: pair(layer.poolSize),
        strides: pair(layer.strides ?? layer.poolSize),
        padding: layer.padding ?? "valid",
      };
    case "dropout":
      return { rate: layer.rate };
    case "flatten":
      return {};
    case "dense":
      return { units: layer.units, activation: layer.activation, use_bias: layer.useBias ?? true };
    case "activation":
      return { activation: layer.activation };
    case "batchNorm":
      return {
        momentum: layer.momentum ?? KERAS_BATCH_NORM.momentum,
        epsilon: layer.epsilon ?? KERAS_BATCH_NORM.epsilon,
      };
  }
}

/**
 * The layers an architecture has and its weight shapes in tfjs' save order: every trainable
 * weight in layer order, then every non-trainable one (BatchNormalization's moving stats).
 */
export function expectedLayers(layers: readonly LayerSpec[]): {
  layers: ExpectedLayer[];
  weights: number[][];
} {
  const shapes = layerShapes(layers);
  return {
    layers: layers.map((layer) => ({
      className: CLASS_NAMES[layer.type],
      config: expectedConfig(layer),
    })),
    weights: [...shapes.flatMap((s) => s.trainable), ...shapes.flatMap((s) => s.nonTrainable)],
  };
}
