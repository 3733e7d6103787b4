/**
 * The `--data-dir` flag, in a module that loads no tfjs code (the `data` task uses it).
 *
 * @module
 */
import { defaultTrainConfig } from "../defaults.ts";
import type { FlagSpec, ParsedFlags } from "./flag_spec.ts";
import { stringFlag } from "./flag_values.ts";
import { UsageError } from "../errors.ts";

/** Environment variable naming the MNIST folder when `--data-dir` is not given. */
export const DATA_DIR_ENV = "MNIST_DATA_DIR";
/** Its former name, still read (with a deprecation notice) for scripts written against it. */
export const DEPRECATED_DATA_DIR_ENV = "MNIST_GPU_DATA";

/** `--data-dir DIR`. */
export const DATA_DIR_FLAG: FlagSpec = {
  type: "string",
  value: "DIR",
  help: `MNIST folder, only read (default $${DATA_DIR_ENV} or ${defaultTrainConfig().dataDir})`,
};

function readEnv(name: string): string | undefined {
  // Only when granted: asking would prompt in the middle of a task.
  const granted = Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
  const value = granted ? Deno.env.get(name) : undefined;
  if (value !== undefined && value !== "" && value.trim() === "") {
    throw new UsageError(`$${name} is blank; unset it or name a folder`);
  }
  return value === "" ? undefined : value;
}

/**
 * Reads `--data-dir`, falling back to `$MNIST_DATA_DIR` (or its old name, with a deprecation
 * notice), then the default. A folder the task may not read is an error here: loading would
 * otherwise skip it without a word and use the npm copy.
 *
 * @param flags The parsed flags.
 * @returns The data folder.
 * @throws {UsageError} when the task's `--allow-read` does not cover the folder; the message
 * says how to grant it.
 *
 * @example
 * ```ts
 * import { dataDirFlag } from "./data_flags.ts";
 * if (dataDirFlag({ "data-dir": "." }) !== ".") throw new Error();
 * ```
 */
export function dataDirFlag(flags: ParsedFlags): string {
  const flag = stringFlag(flags, "data-dir");
  const dir = flag ?? envDataDir() ?? defaultTrainConfig().dataDir;
  if (Deno.permissions.querySync({ name: "read", path: dir }).state !== "granted") {
    const origin = flag !== undefined ? "--data-dir" : `$${DATA_DIR_ENV}`;
    throw new UsageError(
      `${origin} ${dir} is outside the folders this task may read (see deno.json); put the ` +
        `files in data/mnist, or run the task's file with deno run and --allow-read=${dir} ` +
        "added (the folder is only read)",
    );
  }
  return dir;
}

function envDataDir(): string | undefined {
  const env = readEnv(DATA_DIR_ENV);
  if (env !== undefined) return env;
  const old = readEnv(DEPRECATED_DATA_DIR_ENV);
  if (old !== undefined) {
    console.error(
      `warning: ${DEPRECATED_DATA_DIR_ENV} is deprecated; set ${DATA_DIR_ENV}=${old} instead`,
    );
  }
  return old;
}
