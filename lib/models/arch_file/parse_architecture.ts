/**
 * `parseArchitecture`: a model file users already have → our `Architecture` data. Accepted:
 * - a Keras Sequential config as tf.keras 2.x `model.to_json()` writes it (Keras 3's
 *   `to_json()` too): `{"class_name": "Sequential", "config": {"name", "layers": […]}}`;
 * - a tfjs layers model: the `modelTopology` of a `model.json`, or the whole `model.json`.
 *
 * The input must be one 28×28 grayscale image: `batch_input_shape` (Keras 3: `batch_shape`)
 * `[null, 28, 28, 1]` on an `InputLayer` or the first layer, or `[null, 28, 28]` when the
 * first layer is a `Flatten`. Everything is checked before anything is built; a problem is
 * one line naming the layer (its index in the file and its name) and the field.
 *
 * @module
 */
import { ArchitectureError } from "../../errors.ts";
import type { Architecture, LayerSpec } from "../architecture.ts";
import { KERAS_CLASSES, KERAS_FIELD, kerasLayerSpec } from "./_keras_layer.ts";
import { MAX_LAYERS, validateArchitecture, validateLayers } from "./validate_architecture.ts";

/** The most characters of model JSON accepted (a 64-layer config is ~60 KB). */
export const MAX_ARCH_JSON_CHARS = 1_000_000;

/** Options of {@linkcode parseArchitecture}. */
export interface ParseArchitectureOptions {
  /** The architecture's name. @default the config's `name` */
  name?: string;
  /** Where it came from, for the description (e.g. the file name). */
  source?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function jsonOf(input: unknown): unknown {
  if (typeof input !== "string") return input;
  if (input.length > MAX_ARCH_JSON_CHARS) {
    throw new ArchitectureError(
      `the model JSON has ${input.length} characters, more than the cap of ${MAX_ARCH_JSON_CHARS}`,
    );
  }
  try {
    return JSON.parse(input);
  } catch (error) {
    throw new ArchitectureError(`not valid JSON: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** The Sequential topology inside a Keras config or a (tfjs) `model.json`. */
function topologyOf(json: unknown): { name: unknown; layers: unknown[] } {
  let top = json;
  if (isObject(top) && isObject(top.modelTopology)) top = top.modelTopology;
  if (isObject(top) && isObject(top.model_config)) top = top.model_config;
  if (!isObject(top) || typeof top.class_name !== "string") {
    throw new ArchitectureError(
      '"class_name" is missing: expected a Keras model config or a tfjs model.json',
    );
  }
  if (top.class_name !== "Sequential") {
    throw new ArchitectureError(
      `"class_name" is ${JSON.stringify(top.class_name)}; only Sequential models are supported`,
    );
  }
  const config = top.config;
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0 || layers.length > MAX_LAYERS + 1) {
    throw new ArchitectureError(`"config.layers" must be a list of 1 to ${MAX_LAYERS} layers`);
  }
  return { name: isObject(config) ? config.name : undefined, layers };
}

const INPUT_4D = JSON.stringify([null, 28, 28, 1]);
const INPUT_3D = JSON.stringify([null, 28, 28]);

function checkInput(shape: unknown, where: string, firstType: string | undefined): void {
  const text = JSON.stringify(shape);
  if (text === INPUT_4D || (text === INPUT_3D && firstType === "flatten")) return;
  throw new ArchitectureError(
    `${where}: "batch_input_shape" is ${text?.slice(0, 40)}; expected [null, 28, 28, 1] ` +
      "(or [null, 28, 28] before a Flatten)",
  );
}

/**
 * Parses a Keras Sequential config or a tfjs layers-model topology into an architecture.
 *
 * @param input The JSON text or its parsed value.
 * @param options The name to give it and where it came from.
 * @returns The architecture, validated (no recipe: it trains with the default one).
 * @throws {ArchitectureError} one line naming the layer and the field.
 *
 * @example LeNet's first layers, as tf.keras writes them
 * ```ts
 * import { parseArchitecture } from "./parse_architecture.ts";
 * import assert from "node:assert/strict";
 *
 * const layer = (class_name: string, config: object) => ({ class_name, config });
 * const arch = parseArchitecture({
 *   class_name: "Sequential",
 *   config: {
 *     name: "tiny",
 *     layers: [
 *       layer("InputLayer", { batch_input_shape: [null, 28, 28, 1] }),
 *       layer("Flatten", { name: "flatten" }),
 *       layer("Dense", { name: "dense", units: 10, activation: "softmax" }),
 *     ],
 *   },
 * });
 * assert.equal(arch.expectedParams, 7850);
 * assert.throws(() => parseArchitecture("{}"), /class_name/);
 * ```
 */
export function parseArchitecture(
  input: unknown,
  options: ParseArchitectureOptions = {},
): Architecture {
  const { name, layers: raw } = topologyOf(jsonOf(input));
  const labels: string[] = [];
  const layers: LayerSpec[] = [];
  const inputShapes: { shape: unknown; where: string }[] = [];
  raw.forEach((layer, index) => {
    const config = isObject(layer) && isObject(layer.config) ? layer.config : undefined;
    const className = isObject(layer) ? layer.class_name : undefined;
    const layerName = typeof config?.name === "string" ? config.name.slice(0, 60) : undefined;
    const where = `layer ${index}${layerName ? ` "${layerName}"` : ""} (${
      String(className).slice(0, 40)
    })`;
    if (!config) throw new ArchitectureError(`${where}: "config" is missing`);
    const shape = config.batch_input_shape ?? config.batch_shape;
    if (shape !== undefined) {
      if (layers.length > 0) {
        throw new ArchitectureError(
          `${where}: "batch_input_shape" is allowed on the first layer only`,
        );
      }
      inputShapes.push({ shape, where });
    }
    if (className === "InputLayer") {
      if (index !== 0) throw new ArchitectureError(`${where}: an InputLayer must come first`);
      return;
    }
    if (typeof className !== "string" || !Object.hasOwn(KERAS_CLASSES, className)) {
      throw new ArchitectureError(
        `${where}: "class_name" must be one of InputLayer, ${
          Object.keys(KERAS_CLASSES).join(", ")
        }`,
      );
    }
    labels.push(where);
    const flat = layers.some((l) => l.type === "flatten");
    layers.push(kerasLayerSpec(className, config, where, flat));
  });
  if (inputShapes.length === 0) {
    throw new ArchitectureError(
      'layer 0: "batch_input_shape" is missing (the input must be [null, 28, 28, 1])',
    );
  }
  for (const { shape, where } of inputShapes) checkInput(shape, where, layers[0]?.type);
  const arch = {
    name: options.name ?? name,
    description: `${options.source ?? "a model file"}: Keras Sequential "${
      String(name).slice(0, 60)
    }"`,
    seeds: [],
    layers,
    seedAccuracy: [],
  };
  const naming = {
    layer: (i: number) => labels[i] ?? `layer ${i}`,
    field: (f: string) => KERAS_FIELD[f] ?? f,
  };
  return validateArchitecture({ ...arch, expectedParams: validateLayers(layers, naming) }, naming);
}
