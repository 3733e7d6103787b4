/**
 * The per-layer field rules of an `Architecture` value: which fields each layer kind has,
 * and the values each may take. An unknown field is an error too: a typo (`stride` for
 * `strides`) would otherwise be ignored and train a different model than the one written.
 *
 * @module
 */
import { ArchitectureError } from "../../errors.ts";
import { ACTIVATIONS, type LayerType } from "../architecture.ts";

/** Returns what a value must be, or undefined when it is fine. */
type Rule = (v: unknown) => string | undefined;

const intIn = (min: number, max: number): Rule => (v) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max
    ? undefined
    : `must be an integer from ${min} to ${max}`;
const size2 = (max: number): Rule => (v) => {
  const one = intIn(1, max);
  if (Array.isArray(v)) {
    return v.length === 2 && !one(v[0]) && !one(v[1])
      ? undefined
      : `must be an integer or a pair of integers from 1 to ${max}`;
  }
  return one(v) ? `must be an integer or a pair of integers from 1 to ${max}` : undefined;
};
const oneOf = (choices: readonly unknown[]): Rule => (v) =>
  choices.includes(v) ? undefined : `must be one of ${choices.join(", ")}`;
const numberIn = (min: number, max: number, what: string): Rule => (v) =>
  typeof v === "number" && v >= min && v < max ? undefined : `must be a number ${what}`;
const bool: Rule = (v) => (typeof v === "boolean" ? undefined : "must be true or false");

const KERNEL = size2(28);
const PADDING = oneOf(["valid", "same"]);
const ACTIVATION = oneOf(ACTIVATIONS);
const POOL = { poolSize: KERNEL, strides: KERNEL, padding: PADDING };

/** Each kind's fields: rule, and whether it may be left out. */
const FIELDS: Record<LayerType, Record<string, [Rule, "required" | "optional"]>> = {
  conv2d: {
    filters: [intIn(1, 1024), "required"],
    kernelSize: [KERNEL, "required"],
    strides: [KERNEL, "optional"],
    padding: [PADDING, "optional"],
    useBias: [bool, "optional"],
    activation: [ACTIVATION, "optional"],
  },
  maxPool: {
    poolSize: [POOL.poolSize, "required"],
    strides: [POOL.strides, "optional"],
    padding: [POOL.padding, "optional"],
  },
  avgPool: {
    poolSize: [POOL.poolSize, "required"],
    strides: [POOL.strides, "optional"],
    padding: [POOL.padding, "optional"],
  },
  dropout: { rate: [numberIn(0, 1, "in [0, 1)"), "required"] },
  flatten: {},
  dense: {
    units: [intIn(1, 65_536), "required"],
    activation: [ACTIVATION, "required"],
    useBias: [bool, "optional"],
  },
  activation: { activation: [ACTIVATION, "required"] },
  batchNorm: {
    momentum: [numberIn(0, 1, "in [0, 1)"), "optional"],
    epsilon: [numberIn(1e-12, 1, "in (0, 1)"), "optional"],
  },
};

/** The layer kinds, in the order messages list them. */
export const LAYER_TYPES = Object.keys(FIELDS) as LayerType[];

/**
 * Checks one layer's kind and fields.
 *
 * @param layer The layer (unchecked).
 * @param where How the message names the layer, e.g. `layer 2 (conv2d)`.
 * @param field How the message spells a field (a file's own names).
 * @throws {ArchitectureError} naming the layer and the field.
 */
export function checkLayerFields(
  layer: unknown,
  where: string,
  field: (f: string) => string,
): void {
  const fail = (f: string, why: string) => {
    throw new ArchitectureError(`${where}: "${field(f)}" ${why}`);
  };
  if (typeof layer !== "object" || layer === null || Array.isArray(layer)) {
    throw new ArchitectureError(`${where}: must be an object`);
  }
  const { type, ...rest } = layer as Record<string, unknown>;
  const fields = FIELDS[type as LayerType];
  if (typeof type !== "string" || !Object.hasOwn(FIELDS, type) || !fields) {
    return fail("type", `must be one of ${LAYER_TYPES.join(", ")}, got ${JSON.stringify(type)}`);
  }
  for (const [name, [rule, need]] of Object.entries(fields)) {
    const value = rest[name];
    if (value === undefined) {
      if (need === "required") fail(name, "is missing");
      continue;
    }
    const wrong = rule(value);
    if (wrong) fail(name, `${wrong}, got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  const unknown = Object.keys(rest).find((k) => !Object.hasOwn(fields, k));
  if (unknown !== undefined) fail(unknown, `is not a field of ${type}`);
}
