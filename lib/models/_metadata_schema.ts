/**
 * The schema of `metadata.json`, checked field by field: the file is input (a user may edit
 * or corrupt it), and an unchecked `arch` once ended up in a path (`"../data/evil"`).
 *
 * @module
 */
import { ARCHITECTURE_NAMES } from "./architectures.ts";
import { ArchitectureError } from "../errors.ts";
import { ARCH_NAME, validateArchitecture } from "./arch_file/validate_architecture.ts";

/** Returns what is wrong with `value` at `path` (e.g. `recipe.epochs must be …`), or undefined. */
type Check = (value: unknown, path: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const rule = (ok: (v: unknown) => boolean, what: string): Check => (v, path) =>
  ok(v) ? undefined : `"${path}" must be ${what}, got ${JSON.stringify(v)?.slice(0, 40)}`;

const number = (min = -Infinity, max = Infinity): Check =>
  rule(
    (v) => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max,
    `a number${min > -Infinity ? ` ≥ ${min}` : ""}${max < Infinity ? ` and ≤ ${max}` : ""}`,
  );
const integer = (min: number): Check =>
  rule((v) => Number.isInteger(v) && (v as number) >= min, `an integer ≥ ${min}`);
const oneOf = (choices: readonly unknown[]): Check =>
  rule((v) => choices.includes(v), `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`);
const text = rule((v) => typeof v === "string" && v.length <= 200, "a short string");
const hex64 = rule((v) => typeof v === "string" && /^[0-9a-f]{64}$/.test(v), "a SHA-256 in hex");

function object(fields: Record<string, Check>, optional: readonly string[] = []): Check {
  return (v, path) => {
    if (!isObject(v)) return `"${path}" must be an object`;
    for (const [name, check] of Object.entries(fields)) {
      const at = path ? `${path}.${name}` : name;
      if (v[name] === undefined) {
        if (optional.includes(name)) continue;
        return `"${at}" is missing`;
      }
      const wrong = check(v[name], at);
      if (wrong) return wrong;
    }
    return undefined;
  };
}

const recordOf = (check: Check): Check => (v, path) => {
  if (!isObject(v)) return `"${path}" must be an object`;
  for (const [key, value] of Object.entries(v)) {
    const wrong = check(value, `${path}.${key}`);
    if (wrong) return wrong;
  }
  return undefined;
};

const arrayOf = (check: Check): Check => (v, path) => {
  if (!Array.isArray(v)) return `"${path}" must be an array`;
  for (const [i, value] of v.entries()) {
    const wrong = check(value, `${path}[${i}]`);
    if (wrong) return wrong;
  }
  return undefined;
};

const METADATA = object({
  format: oneOf([1]),
  arch: rule((v) => typeof v === "string" && ARCH_NAME.test(v), "an architecture name"),
  recipe: object({
    optimizer: oneOf(["adam", "rmsprop", "sgd"]),
    learningRate: number(Number.MIN_VALUE),
    batchSize: integer(1),
    epochs: integer(1),
  }),
  seed: integer(0),
  trainCount: integer(0),
  validation: number(0, 1),
  datasetSha256: recordOf(hex64),
  epochsCompleted: integer(0),
  history: arrayOf(object({
    epoch: integer(1),
    loss: number(),
    acc: number(0, 1),
    valLoss: number(),
    valAcc: number(0, 1),
    seconds: number(0),
    imagesPerSecond: number(0),
  }, ["valLoss", "valAcc"])),
  test: object({ loss: number(), accuracy: number(0, 1), wrong: integer(0), count: integer(0) }),
  backend: text,
  date: text,
  files: recordOf(object({ bytes: integer(0), sha256: hex64 })),
}, ["seed", "test", "files"]);

/** The recorded architecture, or (older saves) a registry name in `arch`. */
function architectureProblem(value: Record<string, unknown>): string | undefined {
  if (value.architecture === undefined) {
    return ARCHITECTURE_NAMES.includes(value.arch as string)
      ? undefined
      : oneOf(ARCHITECTURE_NAMES)(value.arch, "arch");
  }
  try {
    const architecture = validateArchitecture(value.architecture);
    if (architecture.name !== value.arch) {
      return `"architecture.name" is ${JSON.stringify(architecture.name)} but "arch" is ${
        JSON.stringify(value.arch)
      }`;
    }
  } catch (error) {
    if (error instanceof ArchitectureError) return `"architecture": ${error.message}`;
    throw error;
  }
  return undefined;
}

/**
 * Returns what is wrong with a parsed `metadata.json`, or `undefined` when it is valid.
 *
 * @param value The parsed JSON.
 * @returns One clause naming the field, e.g. `"arch" must be one of "mlp", …, got "x"`.
 */
export function metadataProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "it is not a JSON object";
  const wrong = METADATA(value, "") ?? architectureProblem(value);
  if (wrong) return wrong;
  const { epochsCompleted, recipe, history } = value as {
    epochsCompleted: number;
    recipe: { epochs: number };
    history: unknown[];
  };
  if (epochsCompleted > recipe.epochs) {
    return `"epochsCompleted" (${epochsCompleted}) is more than the recipe's ${recipe.epochs}`;
  }
  if (history.length !== 0 && history.length !== epochsCompleted) {
    return `"history" has ${history.length} epochs but "epochsCompleted" is ${epochsCompleted}`;
  }
  return undefined;
}
