/**
 * An architecture as the Keras `Sequential` topology tfjs writes into `model.json`, with the
 * layer names its weights are saved under: what the browser's exporter writes without tfjs,
 * and what `checkModelJson` and `tf.loadLayersModel` read back.
 *
 * @module
 */
import type { Architecture, LayerSpec } from "../models/architecture.ts";
import { CLASS_NAMES, expectedConfig } from "../models/_model_json.ts";

/** Keras' snake-case layer name stems. */
const STEM: Record<LayerSpec["type"], string> = {
  conv2d: "conv2d",
  maxPool: "max_pooling2d",
  avgPool: "average_pooling2d",
  dropout: "dropout",
  flatten: "flatten",
  dense: "dense",
  activation: "activation",
  batchNorm: "batch_normalization",
};

const INITIALIZERS = {
  kernel_initializer: { class_name: "GlorotUniform", config: { seed: null } },
  bias_initializer: { class_name: "Zeros", config: {} },
};

/** The settings `checkModelJson` compares, plus the defaults Keras writes beside them. */
function layerConfig(layer: LayerSpec): Record<string, unknown> {
  const config = expectedConfig(layer);
  switch (layer.type) {
    case "conv2d":
      return { ...config, data_format: "channels_last", dilation_rate: [1, 1], ...INITIALIZERS };
    case "dense":
      return { ...config, ...INITIALIZERS };
    case "maxPool":
    case "avgPool":
    case "flatten":
      return { ...config, data_format: "channels_last" };
    case "batchNorm":
      return { ...config, axis: -1 };
    default:
      return config;
  }
}

/** Keras-style layer names, numbered per class: `conv2d_1`, `max_pooling2d_1`, `conv2d_2`. */
export function kerasLayerNames(arch: Architecture): string[] {
  const seen = new Map<string, number>();
  return arch.layers.map((layer) => {
    const base = STEM[layer.type];
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
    class_name: CLASS_NAMES[layer.type],
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
