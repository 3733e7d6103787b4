/**
 * The one place where errors become exit codes. A task's `main` throws; `runTask` prints a
 * one-line message (no stack trace) for user mistakes and bad inputs and exits 2. Anything
 * else is a bug and keeps its stack trace (exit 1).
 *
 * @module
 */
import {
  BackendUnavailableError,
  DatasetError,
  GpuError,
  ModelFileError,
  TrainingDivergedError,
  TrainingInterruptedError,
  UsageError,
} from "../errors.ts";
import { type ParsedFlags, parseTaskArgs, type TaskSpec, usage } from "./args.ts";

const USER_ERRORS = [
  UsageError,
  DatasetError,
  BackendUnavailableError,
  ModelFileError,
  TrainingDivergedError,
  TrainingInterruptedError,
  GpuError,
];

/** Returns the one-line message for a user-facing error, or `undefined` for a bug. */
export function userMessage(error: unknown): string | undefined {
  if (USER_ERRORS.some((kind) => error instanceof kind)) return (error as Error).message;
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return `${(error as Error).message.split("\n")[0]} (the task's permissions are listed in ` +
      "deno.json; see the README's Permissions section)";
  }
  if (error instanceof Deno.errors.NotFound) return (error as Error).message;
  return undefined;
}

/**
 * Parses the task's flags and runs `main`; maps failures to exit codes.
 * `--help` prints usage and exits 0.
 */
export async function runTask(
  spec: TaskSpec,
  main: (flags: ParsedFlags) => Promise<void>,
  argv: string[] = Deno.args,
): Promise<void> {
  try {
    const flags = parseTaskArgs(argv, spec);
    if (flags === undefined) {
      console.log(usage(spec));
      return;
    }
    await main(flags);
  } catch (error) {
    const message = userMessage(error);
    if (message === undefined) throw error;
    console.error(`error: ${message}`);
    if (error instanceof UsageError) {
      console.error(`Run "deno task ${spec.name} --help" for usage.`);
    }
    // 130 is the shell's code for a Ctrl-C'd program; 2 is for bad input.
    Deno.exit(error instanceof TrainingInterruptedError ? 130 : 2);
  }
}
