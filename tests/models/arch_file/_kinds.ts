/** Test architectures that use every layer kind and option of the vocabulary. */
import type { Architecture, LayerSpec } from "../../../lib/models/architecture.ts";
import { countParams } from "../../../lib/models/layer_shapes.ts";

/** BatchNormalization, a strided conv, a sigmoid conv, an Activation layer, 3×3/2 pools. */
export const KIND_LAYERS: LayerSpec[] = [
  {
    type: "conv2d",
    filters: 8,
    kernelSize: [5, 3],
    strides: 2,
    padding: "same",
    useBias: false,
    activation: "sigmoid",
  },
  { type: "batchNorm", momentum: 0.9, epsilon: 0.01 },
  { type: "activation", activation: "elu" },
  { type: "maxPool", poolSize: 3, strides: 2, padding: "valid" },
  { type: "conv2d", filters: 6, kernelSize: 3, padding: "same", activation: "tanh" },
  { type: "avgPool", poolSize: 2, strides: 1, padding: "same" },
  { type: "flatten" },
  { type: "dropout", rate: 0.1 },
  { type: "dense", units: 12, activation: "linear", useBias: false },
  { type: "dense", units: 10, activation: "softmax" },
];

/** {@linkcode KIND_LAYERS} as an architecture. */
export const KINDS: Architecture = {
  name: "kinds",
  description: "every layer kind",
  seeds: [],
  layers: KIND_LAYERS,
  seedAccuracy: [],
  expectedParams: countParams(KIND_LAYERS),
};
