/**
 * One layer of a Keras Sequential config (tf.keras 2.x `to_json()`, Keras 3, or tfjs'
 * `modelTopology`, which uses the same snake_case fields) translated into a `LayerSpec`.
 * Fields that would change what the layer computes (dilation, groups, regularizers,
 * constraints, a frozen layer, channels-first data, renorm…) are refused by name rather than
 * ignored. Initializers are not read: a model from a file trains from fresh Keras-default
 * weights (Glorot-uniform kernels, zero biases).
 *
 * @module
 */
import { ArchitectureError } from "../../errors.ts";
import { KERAS_BATCH_NORM, type LayerSpec, type LayerType } from "../architecture.ts";

/** A field of the Keras config that may be absent, or must hold one of these values. */
type Neutral = readonly unknown[];

const NULL: Neutral = [null];
/** Settings that change the computation unless they hold their neutral value. */
const COMMON_NEUTRAL: Record<string, Neutral> = {
  trainable: [true],
  data_format: [null, "channels_last"],
  kernel_regularizer: NULL,
  bias_regularizer: NULL,
  activity_regularizer: NULL,
  kernel_constraint: NULL,
  bias_constraint: NULL,
};
const NEUTRAL_BY_CLASS: Record<string, Record<string, Neutral>> = {
  Conv2D: { dilation_rate: [1, [1, 1]], groups: [1] },
  Dropout: { noise_shape: NULL },
  BatchNormalization: {
    // The last axis of an image (see `lastAxis` for a flat input), as Keras 2 writes it
    // once built (`[3]`), or as given (`-1`).
    axis: [-1, 3, [-1], [3]],
    center: [true],
    scale: [true],
    renorm: [false],
    virtual_batch_size: NULL,
    adjustment: NULL,
    synchronized: [false],
    beta_regularizer: NULL,
    gamma_regularizer: NULL,
    beta_constraint: NULL,
    gamma_constraint: NULL,
  },
};

/** Keras class names and the kind each becomes. */
export const KERAS_CLASSES: Readonly<Record<string, LayerType>> = Object.freeze({
  Conv2D: "conv2d",
  MaxPooling2D: "maxPool",
  AveragePooling2D: "avgPool",
  Dropout: "dropout",
  Flatten: "flatten",
  Dense: "dense",
  Activation: "activation",
  BatchNormalization: "batchNorm",
});

/** Our field names as Keras spells them (for messages). */
export const KERAS_FIELD: Readonly<Record<string, string>> = Object.freeze({
  type: "class_name",
  kernelSize: "kernel_size",
  poolSize: "pool_size",
  useBias: "use_bias",
});

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A BatchNormalization's last axis on a flat input (after a `Flatten`): `1` once built. */
const FLAT_AXIS: Record<string, Neutral> = { axis: [-1, 1, [-1], [1]] };

function checkNeutral(
  className: string,
  config: Record<string, unknown>,
  where: string,
  flat: boolean,
): void {
  const axis = flat && className === "BatchNormalization" ? FLAT_AXIS : {};
  const rules = { ...COMMON_NEUTRAL, ...NEUTRAL_BY_CLASS[className], ...axis };
  for (const [field, allowed] of Object.entries(rules)) {
    const value = config[field];
    if (value === undefined || allowed.some((a) => same(a, value))) continue;
    throw new ArchitectureError(
      `${where}: "${field}" ${JSON.stringify(value)?.slice(0, 40)} is not supported ` +
        `(only ${allowed.map((a) => JSON.stringify(a)).join(" or ")})`,
    );
  }
  const dtype = config.dtype;
  const dtypeName = typeof dtype === "object" && dtype !== null
    ? (dtype as { config?: { name?: unknown } }).config?.name
    : dtype;
  if (dtypeName !== undefined && dtypeName !== null && dtypeName !== "float32") {
    throw new ArchitectureError(
      `${where}: "dtype" ${JSON.stringify(dtypeName)} is not supported (only float32)`,
    );
  }
}

/** Keras writes sizes as `[a, b]`; a square one becomes a number, as the seeds write it. */
function size(value: unknown): unknown {
  return Array.isArray(value) && value.length === 2 && value[0] === value[1] ? value[0] : value;
}

/** Copies the defined fields (undefined ones stay absent, so the validator sees what the file had). */
function defined(spec: Record<string, unknown>): LayerSpec {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as LayerSpec;
}

/**
 * Translates one Keras layer config (already known to be an object with a known
 * `class_name`) into a layer spec; values are checked afterwards by the validator.
 *
 * @param className The Keras class.
 * @param config Its config.
 * @param where How messages name the layer.
 * @param flat Whether its input is flat (a `Flatten` came before): a BatchNormalization's
 *   last axis is then 1, not 3.
 * @throws {ArchitectureError} for a setting the vocabulary does not have.
 */
export function kerasLayerSpec(
  className: string,
  config: Record<string, unknown>,
  where: string,
  flat = false,
): LayerSpec {
  checkNeutral(className, config, where, flat);
  const type = KERAS_CLASSES[className]!;
  const c = config;
  switch (type) {
    case "conv2d":
      return defined({
        type,
        filters: c.filters,
        kernelSize: size(c.kernel_size),
        strides: size(c.strides ?? 1),
        padding: c.padding ?? "valid",
        useBias: c.use_bias ?? true,
        activation: c.activation ?? "linear",
      });
    case "maxPool":
    case "avgPool": {
      const poolSize = size(c.pool_size ?? 2);
      return defined({
        type,
        poolSize,
        strides: size(c.strides ?? poolSize),
        padding: c.padding ?? "valid",
      });
    }
    case "dropout":
      return defined({ type, rate: c.rate });
    case "flatten":
      return { type };
    case "dense":
      return defined({
        type,
        units: c.units,
        activation: c.activation ?? "linear",
        useBias: c.use_bias ?? true,
      });
    case "activation":
      return defined({ type, activation: c.activation });
    case "batchNorm":
      return defined({
        type,
        momentum: c.momentum ?? KERAS_BATCH_NORM.momentum,
        epsilon: c.epsilon ?? KERAS_BATCH_NORM.epsilon,
      });
  }
}
