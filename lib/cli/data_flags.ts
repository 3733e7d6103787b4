/**
 * The `--data-dir` flag, in a module that loads no tfjs code (the `data` task uses it).
 *
 * @module
 */
import { defaultTrainConfig } from "../defaults.ts";
import { type FlagSpec, type ParsedFlags, stringFlag } from "./args.ts";

/** Environment variable naming the MNIST folder when `--data-dir` is not given. */
export const DATA_DIR_ENV = "MNIST_DATA_DIR";
/** Its former name, still read (with a deprecation notice) for scripts written against it. */
export const DEPRECATED_DATA_DIR_ENV = "MNIST_GPU_DATA";

/** `--data-dir DIR`. */
export const DATA_DIR_FLAG: FlagSpec = {
  type: "string",
  value: "DIR",
  help: `MNIST cache folder (default $${DATA_DIR_ENV} or ${defaultTrainConfig().dataDir})`,
};

function readEnv(name: string): string | undefined {
  // Only when granted: asking would prompt in the middle of a task.
  const granted = Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
  const value = granted ? Deno.env.get(name) : undefined;
  return value === "" ? undefined : value;
}

/** Reads `--data-dir`, falling back to `$MNIST_DATA_DIR` (or its old name), then the default. */
export function dataDirFlag(flags: ParsedFlags): string {
  const flag = stringFlag(flags, "data-dir");
  if (flag !== undefined) return flag;
  const env = readEnv(DATA_DIR_ENV);
  if (env !== undefined) return env;
  const old = readEnv(DEPRECATED_DATA_DIR_ENV);
  if (old !== undefined) {
    console.error(
      `warning: ${DEPRECATED_DATA_DIR_ENV} is deprecated; set ${DATA_DIR_ENV}=${old} instead`,
    );
    return old;
  }
  return defaultTrainConfig().dataDir;
}
