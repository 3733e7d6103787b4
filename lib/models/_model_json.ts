/**
 * Checks a saved `model.json` against its architecture before tfjs builds anything: a
 * 1.6 KB file declaring a 200,000-unit Dense layer made tfjs allocate 767 MB, and a model
 * with 3 outputs evaluated to "accuracy 9.97 %, loss NaN" with exit 0. Each layer's
 * size-relevant settings and each weight's shape must be the registry architecture's, so
 * building the model costs what the architecture costs, and the declared weight bytes must
 * equal `weights.bin`'s size.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { IMAGE_SIZE, NUM_CLASSES } from "../data/types.ts";
import type { Architecture } from "./architecture.ts";
import { type ExpectedLayer, expectedLayers } from "./_keras_layers.ts";

// Kept importable from here, where they were first written.
export { CLASS_NAMES, expectedConfig } from "./_keras_layers.ts";

/** What tfjs needs from a checked `model.json`. */
export interface CheckedModelJson {
  /** The layers topology (now known to be the architecture's). */
  modelTopology: Record<string, unknown>;
  /** The weight specs, in file order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** Bytes `weights.bin` must have. */
  weightBytes: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What is wrong with a weight spec's dtype, or undefined: tfjs decodes `weights.bin` by the
 * spec's dtype and quantization, so anything but the expected plain dtype reads the bytes
 * as something else (an int32 weight loaded and evaluated without a word).
 *
 * @param spec One entry of a weights manifest.
 * @param index Its position, for the message.
 * @param allowed The dtypes it may have.
 * @param expected What the file should hold, e.g. `mlp's weights are float32`.
 * @returns One clause naming the weight and its dtype, or undefined.
 */
export function weightDtypeProblem(
  spec: unknown,
  index: number,
  allowed: readonly string[],
  expected: string,
): string | undefined {
  if (!isObject(spec)) return `weight ${index + 1} is ${JSON.stringify(spec)}, not a weight spec`;
  const weight = `weight ${index + 1} (${String(spec.name).slice(0, 80)})`;
  const quantization = spec.quantization;
  if (quantization !== undefined) {
    const dtype = isObject(quantization) ? quantization.dtype : quantization;
    return `${weight} is quantized (${String(dtype).slice(0, 20)}); ${expected}`;
  }
  if (!allowed.includes(spec.dtype as string)) {
    return `${weight} has dtype ${JSON.stringify(spec.dtype)?.slice(0, 20)}; ${expected}`;
  }
  return undefined;
}

/** The first layer whose dtype is not float32, named; tfjs casts the input to it. */
function layerDtypeProblem(layers: unknown[], arch: string): string | undefined {
  for (const [i, layer] of layers.entries()) {
    const dtype = isObject(layer) && isObject(layer.config) ? layer.config.dtype : undefined;
    if (dtype === undefined || dtype === "float32") continue;
    const named = JSON.stringify(dtype)?.slice(0, 20);
    if (i === 0) return `the input dtype is ${named}, not float32`;
    const kind = String((layer as { class_name?: unknown }).class_name).slice(0, 40);
    return `layer ${i + 1} (${kind}) has dtype ${named}; ${arch} is float32`;
  }
  return undefined;
}

/**
 * Checks a parsed `model.json` for architecture `arch` and returns what tfjs needs.
 *
 * @param json The parsed file.
 * @param architecture The architecture `metadata.json` records (or names, in older saves).
 * @returns The topology, the weight specs and the byte size `weights.bin` must have.
 * @throws {Error} with one clause saying what differs (the caller names the file).
 */
export function checkModelJson(json: unknown, architecture: Architecture): CheckedModelJson {
  if (!isObject(json) || !isObject(json.modelTopology) || !Array.isArray(json.weightsManifest)) {
    throw new Error("not a tfjs layers model (no modelTopology or weightsManifest)");
  }
  const config = json.modelTopology.config;
  const layers = isObject(config) && Array.isArray(config.layers) ? config.layers : undefined;
  if (!layers || layers.length === 0) throw new Error("the topology has no layers");
  const expected = expectedLayers(architecture.layers);
  checkLayers(layers, expected.layers, architecture.name);
  const weightSpecs = json.weightsManifest.flatMap((group: unknown) =>
    isObject(group) && Array.isArray(group.weights) ? group.weights : []
  ) as tf.io.WeightsManifestEntry[];
  const weightBytes = checkWeightSpecs(weightSpecs, expected.weights, architecture.name);
  return { modelTopology: json.modelTopology, weightSpecs, weightBytes };
}

/** Checks the input, the dtypes, the output and each layer's class and size-relevant settings. */
function checkLayers(layers: unknown[], expected: ExpectedLayer[], arch: string): void {
  const first = isObject(layers[0]) && isObject(layers[0].config) ? layers[0].config : {};
  const input = first.batch_input_shape;
  if (!same(input, [null, IMAGE_SIZE, IMAGE_SIZE, 1])) {
    throw new Error(`the input shape is ${JSON.stringify(input)}, not [null,28,28,1]`);
  }
  const dtype = layerDtypeProblem(layers, arch);
  if (dtype) throw new Error(dtype);
  const last = layers.at(-1);
  const units = isObject(last) && isObject(last.config) ? last.config.units : undefined;
  // A model ending in an Activation layer has its units on the Dense before; the
  // layer-by-layer comparison below checks those.
  if (isObject(last) && last.class_name === "Dense" && units !== NUM_CLASSES) {
    throw new Error(`the output shape is [null,${JSON.stringify(units)}], not [null,10]`);
  }
  if (layers.length !== expected.length) {
    throw new Error(
      `it has ${layers.length} layers; the ${arch} architecture has ${expected.length}`,
    );
  }
  expected.forEach((want, i) => {
    const layer = layers[i] as { class_name?: unknown; config?: Record<string, unknown> };
    if (layer.class_name !== want.className) {
      throw new Error(`layer ${i + 1} is ${layer.class_name}; ${arch} has ${want.className} there`);
    }
    for (const [key, value] of Object.entries(want.config)) {
      if (!same(layer.config?.[key], value)) {
        throw new Error(
          `layer ${i + 1} (${want.className}) has ${key} ${JSON.stringify(layer.config?.[key])}; ` +
            `${arch} has ${JSON.stringify(value)}`,
        );
      }
    }
  });
}

/** Checks each weight's dtype and shape; returns the bytes `weights.bin` must have. */
function checkWeightSpecs(
  weightSpecs: tf.io.WeightsManifestEntry[],
  shapes: number[][],
  arch: string,
): number {
  if (weightSpecs.length !== shapes.length) {
    throw new Error(`it lists ${weightSpecs.length} weights; ${arch} has ${shapes.length}`);
  }
  let weightBytes = 0;
  weightSpecs.forEach((spec, i) => {
    const problem = weightDtypeProblem(spec, i, ["float32"], `${arch}'s weights are float32`);
    if (problem) throw new Error(problem);
    if (!same(spec.shape, shapes[i])) {
      throw new Error(
        `weight ${i + 1} (${spec.name}) is ${JSON.stringify(spec.shape)}; ${arch} has ` +
          `${JSON.stringify(shapes[i])} float32`,
      );
    }
    weightBytes += 4 * shapes[i]!.reduce((a, b) => a * b, 1);
  });
  return weightBytes;
}
