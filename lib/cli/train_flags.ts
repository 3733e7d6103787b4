/**
 * The flags of `deno task train` and their translation into `TrainOptions`.
 *
 * @module
 */
import { ARCHITECTURE_NAMES } from "../models/architectures.ts";
import type { Architecture, OptimizerName } from "../models/architecture.ts";
import type { TrainOptions } from "../train/config.ts";
import type { EngineRequest } from "../runner/epoch_runner.ts";
import { defaultModelDir, defaultRecipe, defaultTrainConfig } from "../defaults.ts";
import type { FlagSpec, ParsedFlags } from "./flag_spec.ts";
import { choiceFlag, intFlag, numberFlag } from "./flag_values.ts";
import { ARCH_FILE_FLAG, architectureFromFlags } from "./arch_flags.ts";
import { outFlag } from "./out_flag.ts";
import { UsageError } from "../errors.ts";
import {
  BACKEND_FLAG,
  backendFlag,
  DATA_DIR_FLAG,
  dataDirFlag,
  JSON_FLAG,
  QUIET_FLAG,
} from "./common_flags.ts";

/** `--engine`: which implementation runs the training steps (shared by train, compare, bench). */
export const ENGINE_FLAG: FlagSpec = {
  type: "string",
  value: "E",
  help: "compiled, tfjs or auto (default: compiled where it supports the model and backend)",
};

/** Reads `--engine` (undefined when absent). */
export function engineFlag(flags: ParsedFlags): EngineRequest | undefined {
  return choiceFlag(flags, "engine", ["compiled", "tfjs", "auto"] as const);
}

const OPTIMIZERS: readonly OptimizerName[] = ["adam", "rmsprop", "sgd"];
const RECIPE = defaultRecipe();
const SEED_OR = (value: string | number) => `(default: a seed's recipe; ${value} for --arch-file)`;

/** Flags of `train`. */
export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  arch: {
    type: "string",
    value: "NAME",
    help: `${ARCHITECTURE_NAMES.join(", ")} (default ${defaultTrainConfig().arch})`,
  },
  "arch-file": ARCH_FILE_FLAG,
  epochs: { type: "string", value: "N", help: `Epochs ${SEED_OR(RECIPE.epochs)}` },
  "batch-size": { type: "string", value: "N", help: `Batch size ${SEED_OR(RECIPE.batchSize)}` },
  optimizer: {
    type: "string",
    value: "NAME",
    help: `${OPTIMIZERS.join(", ")} ${SEED_OR(RECIPE.optimizer)}`,
  },
  "learning-rate": {
    type: "string",
    value: "X",
    help: `Learning rate ${SEED_OR(RECIPE.learningRate)}`,
  },
  limit: { type: "string", value: "N", help: "Train on the first N samples only (default 60000)" },
  validation: {
    type: "string",
    value: "F",
    help: "Hold out fraction F for validation (default 0)",
  },
  seed: {
    type: "string",
    value: "N",
    help: "Seed for weights, shuffling, dropout (default random)",
  },
  backend: BACKEND_FLAG,
  kernels: { type: "string", value: "K", help: "fast (default) or stock tfjs kernels" },
  engine: ENGINE_FLAG,
  "data-dir": DATA_DIR_FLAG,
  out: {
    type: "string",
    value: "DIR",
    help: `Save the model here (default ${defaultModelDir("<arch>")})`,
  },
  retrain: { type: "boolean", help: "Train even if --out holds a model with this recipe" },
  resume: { type: "boolean", help: "Continue from the last epoch's checkpoint in --out" },
  report: { type: "boolean", help: "Also write report.html beside the model" },
  quiet: QUIET_FLAG,
  json: JSON_FLAG,
};

/** `TrainOptions` as the train task builds them: the architecture resolved, a folder named. */
export type TrainTaskOptions = TrainOptions & {
  arch: Architecture;
  outDir: string;
  engine?: EngineRequest;
};

/**
 * Translates parsed `train` flags into `TrainOptions` (validating every value; reading
 * `--arch-file`).
 */
export async function trainOptionsFromFlags(flags: ParsedFlags): Promise<TrainTaskOptions> {
  const arch = await architectureFromFlags(flags);
  const options: TrainTaskOptions = {
    arch,
    backend: backendFlag(flags),
    kernels: choiceFlag(flags, "kernels", ["fast", "stock"] as const) ??
      defaultTrainConfig().kernels,
    dataDir: dataDirFlag(flags),
    outDir: outFlag(flags, defaultModelDir(arch.name), defaultModelDir(`${arch.name}-2`)),
    retrain: flags.retrain === true,
    resume: flags.resume === true,
  };
  if (options.resume && options.retrain) {
    throw new UsageError(
      "--resume and --retrain contradict each other: --resume continues the checkpoint, " +
        "--retrain starts afresh; give one",
    );
  }
  const engine = engineFlag(flags);
  if (engine !== undefined) options.engine = engine;
  const set = <K extends keyof TrainOptions>(key: K, value: TrainOptions[K] | undefined): void => {
    if (value !== undefined) (options as TrainOptions)[key] = value;
  };
  set("epochs", intFlag(flags, "epochs", { min: 1, max: 10_000 }));
  set("batchSize", intFlag(flags, "batch-size", { min: 1, max: 60_000 }));
  set("optimizer", choiceFlag(flags, "optimizer", OPTIMIZERS));
  set("learningRate", numberFlag(flags, "learning-rate", { min: 1e-9, max: 10 }));
  set("limit", intFlag(flags, "limit", { min: 1, max: 60_000 }));
  set("validation", numberFlag(flags, "validation", { min: 0, max: 0.9 }));
  set("seed", intFlag(flags, "seed", { min: 0, max: 2 ** 31 - 1 }));
  return options;
}
