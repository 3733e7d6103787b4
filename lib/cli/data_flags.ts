/**
 * The `--data-dir` flag, in a module that loads no tfjs code (the `data` task uses it).
 *
 * @module
 */
import { type FlagSpec, type ParsedFlags, stringFlag } from "./args.ts";
import { UsageError } from "../errors.ts";

/** The environment variable naming the data folder, and the name it had before. */
export const DATA_DIR_ENV = "MNIST_DATA_DIR";
const OLD_DATA_DIR_ENV = "MNIST_GPU_DATA";

/** `--data-dir DIR`. */
export const DATA_DIR_FLAG: FlagSpec = {
  type: "string",
  value: "DIR",
  help: `MNIST cache folder (default $${DATA_DIR_ENV} or data/mnist)`,
};

function envValue(name: string): string | undefined {
  // Only read when granted: asking would prompt; a task without the permission has no value.
  const state = Deno.permissions.querySync({ name: "env", variable: name }).state;
  return state === "granted" ? Deno.env.get(name) || undefined : undefined;
}

/**
 * Reads `--data-dir`, falling back to `$MNIST_DATA_DIR` (or the old `$MNIST_GPU_DATA`), then
 * `data/mnist`. A folder the task may not read is an error here: loading would otherwise
 * skip it without a word and use the npm copy.
 *
 * @param flags The parsed flags.
 * @returns The data folder.
 * @throws {UsageError} when the task's `--allow-read` does not cover the folder; the message
 * says how to grant it.
 *
 * @example
 * ```ts
 * import { dataDirFlag } from "./data_flags.ts";
 * if (!dataDirFlag({ "data-dir": "." }).startsWith(".")) throw new Error();
 * ```
 */
export function dataDirFlag(flags: ParsedFlags): string {
  const given = stringFlag(flags, "data-dir");
  const fromEnv = given === undefined
    ? envValue(DATA_DIR_ENV) ?? envValue(OLD_DATA_DIR_ENV)
    : undefined;
  const dir = given ?? fromEnv ?? "data/mnist";
  if (Deno.permissions.querySync({ name: "read", path: dir }).state !== "granted") {
    const origin = given !== undefined ? "--data-dir" : `$${DATA_DIR_ENV}`;
    throw new UsageError(
      `${origin} ${dir} is outside the folders this task may read (see deno.json); put the ` +
        `files in data/mnist, or run the task's file with deno run and --allow-read=${dir} ` +
        `--allow-write=${dir} added`,
    );
  }
  return dir;
}
