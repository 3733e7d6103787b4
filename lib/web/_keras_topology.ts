/**
 * An architecture as the Keras `Sequential` topology tfjs writes into `model.json`, with the
 * layer names its weights are saved under: what the browser's exporter writes without tfjs,
 * and what `checkModelJson` and `tf.loadLayersModel` read back.
 *
 * @module
 */
import type { Architecture, LayerSpec } from "../models/architecture.ts";
import { KERAS_BATCH_NORM, pair } from "../models/architecture.ts";

const CLASS: Record<LayerSpec["type"], [string, string]> = {
  conv2d: ["Conv2D", "conv2d"],
  maxPool: ["MaxPooling2D", "max_pooling2d"],
  avgPool: ["AveragePooling2D", "average_pooling2d"],
  dropout: ["Dropout", "dropout"],
  flatten: ["Flatten", "flatten"],
  dense: ["Dense", "dense"],
  activation: ["Activation", "activation"],
  batchNorm: ["BatchNormalization", "batch_normalization"],
};

const GLOROT = { class_name: "GlorotUniform", config: { seed: null } };
const ZEROS = { class_name: "Zeros", config: {} };

function layerConfig(layer: LayerSpec): Record<string, unknown> {
  switch (layer.type) {
    case "conv2d":
      return {
        filters: layer.filters,
        kernel_size: pair(layer.kernelSize),
        strides: pair(layer.strides ?? 1),
        padding: layer.padding ?? "valid",
        data_format: "channels_last",
        dilation_rate: [1, 1],
        activation: layer.activation ?? "relu",
        use_bias: layer.useBias ?? true,
        kernel_initializer: GLOROT,
        bias_initializer: ZEROS,
      };
    case "maxPool":
    case "avgPool":
      return {
        pool_size: pair(layer.poolSize),
        strides: pair(layer.strides ?? layer.poolSize),
        padding: layer.padding ?? "valid",
        data_format: "channels_last",
      };
    case "dropout":
      return { rate: layer.rate };
    case "flatten":
      return { data_format: "channels_last" };
    case "dense":
      return {
        units: layer.units,
        activation: layer.activation,
        use_bias: layer.useBias ?? true,
        kernel_initializer: GLOROT,
        bias_initializer: ZEROS,
      };
    case "activation":
      return { activation: layer.activation };
    case "batchNorm":
      return {
        momentum: layer.momentum ?? KERAS_BATCH_NORM.momentum,
        epsilon: layer.epsilon ?? KERAS_BATCH_NORM.epsilon,
        axis: -1,
      };
  }
}

/** Keras-style layer names, numbered per class: `conv2d_1`, `max_pooling2d_1`, `conv2d_2`. */
export function kerasLayerNames(arch: Architecture): string[] {
  const seen = new Map<string, number>();
  return arch.layers.map((layer) => {
    const base = CLASS[layer.type][1];
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${base}_${n}`;
  });
}

/**
 * The `modelTopology` of an architecture.
 *
 * @param arch The architecture.
 * @returns The topology (a `Sequential` with a `[null, 28, 28, 1]` input on its first layer).
 */
export function kerasTopology(arch: Architecture): Record<string, unknown> {
  const names = kerasLayerNames(arch);
  const layers = arch.layers.map((layer, i) => ({
    class_name: CLASS[layer.type][0],
    config: {
      name: names[i],
      trainable: true,
      dtype: "float32",
      ...(i === 0 ? { batch_input_shape: [null, 28, 28, 1] } : {}),
      ...layerConfig(layer),
    },
  }));
  return {
    class_name: "Sequential",
    config: { name: arch.name.replace(/[^A-Za-z0-9_]/g, "_"), layers },
    keras_version: "tfjs-layers 4.22.0",
    backend: "tensor_flow.js",
  };
}
