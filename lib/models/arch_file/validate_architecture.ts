/**
 * Checks an `Architecture` value field by field before anything is built: the value may come
 * from a user's model file, a saved model's metadata or code that forced it past the type.
 * A problem becomes an {@linkcode ArchitectureError} with one line naming the layer and the
 * field. Caps keep a valid-looking file from costing unbounded memory.
 *
 * @module
 */
import { ArchitectureError } from "../../errors.ts";
import { NUM_CLASSES } from "../../data/types.ts";
import type { Architecture, LayerSpec, LayerType } from "../architecture.ts";
import { countParams, INPUT_SHAPE3, layerShape, type Shape3 } from "../layer_shapes.ts";
import { checkLayerFields } from "./_layer_fields.ts";

/** The most layers an architecture may have. */
export const MAX_LAYERS = 64;
/** The most parameters an architecture may have (80 MB of float32 weights). */
export const MAX_PARAMS = 20_000_000;
/** A name: also a folder name (`models/<name>`), so no separators and no leading dot. */
export const ARCH_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** How messages name a layer and a field (a parser passes the file's names). */
export interface Naming {
  /** E.g. `layer 2 "conv2d_1"`. @default `layer <i> (<type>)` */
  layer?: (index: number) => string;
  /** The field as the source spells it, e.g. `kernel_size`. @default the field itself */
  field?: (field: string) => string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Layers whose input must still be an image (rank 4). */
const SPATIAL: readonly LayerType[] = ["conv2d", "maxPool", "avgPool", "flatten"];

function checkShapes(
  layers: LayerSpec[],
  where: (i: number) => string,
  field: (f: string) => string,
) {
  let input: Shape3 = INPUT_SHAPE3;
  let flat = false;
  layers.forEach((layer, i) => {
    const fail = (f: string, why: string) => {
      throw new ArchitectureError(`${where(i)}: "${field(f)}" ${why}`);
    };
    if (SPATIAL.includes(layer.type) && flat) {
      fail("type", "needs an image input; it comes after a Flatten");
    }
    if (layer.type === "dense" && !flat) {
      fail("type", "needs a flat input: add a Flatten before it");
    }
    const activation = "activation" in layer ? layer.activation : undefined;
    if (activation === "softmax" && i !== layers.length - 1) {
      fail("activation", "softmax is allowed on the last layer only");
    }
    const { output } = layerShape(layer, input);
    if (output.h < 1 || output.w < 1) {
      const f = layer.type === "conv2d" ? "kernelSize" : "poolSize";
      fail(f, `does not fit its ${input.h}×${input.w} input`);
    }
    if (layer.type === "flatten" || layer.type === "dense") flat = true;
    input = output;
  });
  const last = layers.at(-1);
  const lastIndex = layers.length - 1;
  if (!last || !("activation" in last) || last.activation !== "softmax") {
    throw new ArchitectureError(
      `${where(lastIndex)}: "${
        field("activation")
      }" must be softmax on the last layer (the loss reads probabilities)`,
    );
  }
  if (!flat || input.c !== NUM_CLASSES) {
    throw new ArchitectureError(
      `${
        where(lastIndex)
      }: the output has ${input.c} values; MNIST needs ${NUM_CLASSES} (one per digit)`,
    );
  }
}

/**
 * Checks a layer list: each layer's fields, the shapes from the 28×28×1 input to the 10-way
 * softmax, and the caps.
 *
 * @param layers The layers (unchecked).
 * @param naming How messages name layers and fields.
 * @returns The parameter count.
 * @throws {ArchitectureError} naming the first wrong layer and field.
 */
export function validateLayers(layers: unknown, naming: Naming = {}): number {
  if (!Array.isArray(layers) || layers.length === 0 || layers.length > MAX_LAYERS) {
    throw new ArchitectureError(`"layers" must be a list of 1 to ${MAX_LAYERS} layers`);
  }
  const where = naming.layer ??
    ((i: number) => `layer ${i} (${String((layers[i] as { type?: unknown })?.type).slice(0, 20)})`);
  const field = naming.field ?? ((f: string) => f);
  layers.forEach((layer, i) => checkLayerFields(layer, where(i), field));
  checkShapes(layers as LayerSpec[], where, field);
  const params = countParams(layers as LayerSpec[]);
  if (params > MAX_PARAMS) {
    throw new ArchitectureError(
      `${params.toLocaleString("en-US")} parameters, more than the cap of ${
        MAX_PARAMS.toLocaleString("en-US")
      }`,
    );
  }
  return params;
}

const OPTIMIZERS = ["adam", "rmsprop", "sgd"];

function checkRecipe(name: string, recipe: unknown): void {
  if (recipe === undefined) return;
  const r = recipe as Record<string, unknown>;
  const ok = isObject(recipe) && OPTIMIZERS.includes(r.optimizer as string) &&
    typeof r.learningRate === "number" && r.learningRate > 0 && r.learningRate <= 10 &&
    Number.isInteger(r.batchSize) && (r.batchSize as number) >= 1 &&
    Number.isInteger(r.epochs) && (r.epochs as number) >= 1;
  if (!ok) {
    throw new ArchitectureError(
      `${name}: "recipe" must be { optimizer: ${
        OPTIMIZERS.join("|")
      }, learningRate, batchSize, epochs }`,
    );
  }
}

/**
 * Checks `value` is a complete, buildable architecture in this library's vocabulary.
 *
 * @param value Anything (it is checked, not trusted).
 * @param naming How messages name layers and fields.
 * @returns The same value, typed.
 * @throws {ArchitectureError} naming the first wrong layer and field.
 *
 * @example
 * ```ts
 * import { validateArchitecture } from "./validate_architecture.ts";
 * import { getArchitecture } from "../architectures.ts";
 * import assert from "node:assert/strict";
 *
 * const deep = getArchitecture("cnn-deep");
 * assert.equal(validateArchitecture(deep), deep);
 * const tanh = { ...deep, layers: [{ type: "dense", units: 10, activation: "tanh" }] };
 * assert.throws(() => validateArchitecture(tanh), /layer 0 \(dense\)/);
 * ```
 */
export function validateArchitecture(value: unknown, naming: Naming = {}): Architecture {
  if (!isObject(value)) throw new ArchitectureError("the architecture must be an object");
  const { name, description, seeds, layers, seedAccuracy, expectedParams } = value;
  if (typeof name !== "string" || !ARCH_NAME.test(name)) {
    throw new ArchitectureError(
      `"name" must be 1–64 letters, digits, "-", "_" or "." (not first), got ${
        JSON.stringify(name)?.slice(0, 70)
      }`,
    );
  }
  if (typeof description !== "string" || description.length > 200) {
    throw new ArchitectureError(
      `${name}: "description" must be a string of at most 200 characters`,
    );
  }
  if (!Array.isArray(seeds) || !seeds.every((s) => typeof s === "string" && s.length < 20)) {
    throw new ArchitectureError(`${name}: "seeds" must be a list of seed names`);
  }
  if (
    !Array.isArray(seedAccuracy) ||
    !seedAccuracy.every((a) => typeof a === "number" && a >= 0 && a <= 1)
  ) {
    throw new ArchitectureError(`${name}: "seedAccuracy" must be a list of accuracies in [0, 1]`);
  }
  checkRecipe(name, value.recipe);
  const params = validateLayers(layers, naming);
  // A label (the registry's tests hold the seeds to it; code may leave it 0), not a check.
  if (!Number.isInteger(expectedParams) || (expectedParams as number) < 0) {
    throw new ArchitectureError(
      `${name}: "expectedParams" must be a whole number (its layers have ${params})`,
    );
  }
  return value as unknown as Architecture;
}
