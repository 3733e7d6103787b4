/**
 * The one place where errors become exit codes. A task's `main` throws; `runTask` prints a
 * one-line message (no stack trace) for user mistakes, bad inputs and operating-system
 * failures (a full disk, a folder given for a file) and exits 2, or 130 for Ctrl-C. Anything
 * else is a bug and keeps its stack trace (exit 1).
 *
 * @module
 */
import {
  BackendUnavailableError,
  DatasetError,
  GpuError,
  InterruptedError,
  ModelFileError,
  TrainingDivergedError,
  UsageError,
} from "../errors.ts";
import { type ParsedFlags, parseTaskArgs, type TaskSpec, usage } from "./args.ts";

const USER_ERRORS = [
  UsageError,
  DatasetError,
  BackendUnavailableError,
  ModelFileError,
  TrainingDivergedError,
  InterruptedError,
  GpuError,
];

/** What `runTask` hands a task's `main` besides its flags. */
export interface TaskContext {
  /** Aborted at the first Ctrl-C. */
  signal: AbortSignal;
}

/** Deno's file errors read "Is a directory (os error 21): readfile 'x'"; reworded to lead with the path. */
const OS_ERROR = /^(.+?) \(os error (\d+)\)(?:: (\w+) '(.*)')?$/;
const ENOSPC = "28";

function osMessage(error: Error): string | undefined {
  const line = error.message.split("\n")[0]!;
  const match = OS_ERROR.exec(line);
  if (!match) return undefined;
  const [, reason, code, op, path] = match;
  const hint = code === ENOSPC ? " (free some space and run again)" : "";
  const what = path === undefined ? "" : `cannot ${op?.replace(/file$/, "")} ${path}: `;
  return `${what}${reason!.charAt(0).toLowerCase()}${reason!.slice(1)}${hint}`;
}

/**
 * Returns the one-line message for a user-facing error, or `undefined` for a bug.
 *
 * @param error What a task threw.
 * @returns The line to print after `error: `, or `undefined` when the error is a bug.
 *
 * @example A folder given where a file was expected
 * ```ts
 * import { userMessage } from "./run_task.ts";
 * import assert from "node:assert/strict";
 * const error = await Deno.readFile(Deno.cwd()).catch((e) => e);
 * assert.match(userMessage(error)!, /^cannot read .*: is a directory$/);
 * assert.equal(userMessage(new TypeError("x is undefined")), undefined);
 * ```
 */
export function userMessage(error: unknown): string | undefined {
  if (USER_ERRORS.some((kind) => error instanceof kind)) return (error as Error).message;
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return `${(error as Error).message.split("\n")[0]} (the task's permissions are listed in ` +
      "deno.json; see the README's Permissions section)";
  }
  if (!(error instanceof Error)) return undefined;
  const isDenoError = Object.values(Deno.errors).some((kind) => error instanceof kind);
  // A full disk arrives as a plain Error with an OS code, not as a Deno.errors class.
  const os = osMessage(error);
  if (os !== undefined) return os;
  return isDenoError ? error.message.split("\n")[0] : undefined;
}

function exitCode(error: unknown): number {
  // 130 is the shell's code for a Ctrl-C'd program; 2 is for bad input.
  return error instanceof InterruptedError ? 130 : 2;
}

/**
 * Parses the task's flags and runs `main(flags, { signal })`; maps failures to exit codes.
 * `--help` prints usage and exits 0.
 *
 * Ctrl-C: the first aborts `signal`. A task whose spec sets `stopsOnSignal` is trusted to
 * stop by itself (training finishes its step and keeps its checkpoint); any other task is
 * stopped at once with exit 130. A second Ctrl-C always exits 130 at once.
 *
 * @param spec The task's name, summary and flags.
 * @param main The task's body.
 * @param argv The arguments. @default {Deno.args}
 * @returns When `main` has finished (on failure the process exits instead).
 * @throws whatever `main` throws that is not a user-facing error (a bug: stack trace, exit 1).
 *
 * @example
 * ```ts ignore
 * await runTask({ name: "demo", summary: "A demo.", flags: {} }, async (_flags, { signal }) => {
 *   await longWork({ signal });
 * });
 * ```
 */
export async function runTask(
  spec: TaskSpec,
  main: (flags: ParsedFlags, context: TaskContext) => Promise<void>,
  argv: string[] = Deno.args,
): Promise<void> {
  const controller = new AbortController();
  let stop: (error: InterruptedError) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) {
      console.error("error: Interrupted (Ctrl-C twice); stopped at once");
      Deno.exit(130);
    }
    controller.abort(new InterruptedError("Interrupted (Ctrl-C)"));
    if (spec.stopsOnSignal) {
      console.error("Stopping after the current step (Ctrl-C again to quit at once)…");
    } else {
      stop(new InterruptedError("Interrupted (Ctrl-C)"));
    }
  };
  Deno.addSignalListener("SIGINT", onSigint);
  try {
    const flags = parseTaskArgs(argv, spec);
    if (flags === undefined) {
      console.log(usage(spec));
      return;
    }
    await Promise.race([main(flags, { signal: controller.signal }), stopped]);
  } catch (error) {
    const message = userMessage(error);
    if (message === undefined) throw error;
    console.error(`error: ${message}`);
    if (error instanceof UsageError) {
      console.error(`Run "deno task ${spec.name} --help" for usage.`);
    }
    Deno.exit(exitCode(error));
  } finally {
    // A listener keeps the process alive; without removing it a finished task would hang.
    Deno.removeSignalListener("SIGINT", onSigint);
  }
}
