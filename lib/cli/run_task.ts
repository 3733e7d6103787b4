/**
 * The one place where errors become exit codes. A task's `main` throws; `runTask` prints a
 * one-line message (no stack trace) for user mistakes, bad inputs and operating-system
 * failures (a full disk, a folder given for a file) and exits 2, or 130 for Ctrl-C (143 for
 * SIGTERM). Anything else is a bug and keeps its stack trace (exit 1).
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
import { parseTaskArgs, usage } from "./args.ts";
import type { ParsedFlags, TaskSpec } from "./flag_spec.ts";
import { clipWords } from "./shown.ts";

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

/** The shell's codes for a program stopped by a signal: 128 + its number. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;
const SIGNAL_NAME: Record<StopSignal, string> = { SIGINT: "Ctrl-C", SIGTERM: "SIGTERM" };

function exitCode(error: unknown, signal: StopSignal | undefined): number {
  return error instanceof InterruptedError ? SIGNAL_EXIT[signal ?? "SIGINT"] : 2;
}

/**
 * Parses the task's flags and runs `main(flags, { signal })`; maps failures to exit codes.
 * `--help` prints usage and exits 0.
 *
 * Ctrl-C (SIGINT) and SIGTERM alike: the first aborts `signal`. A task whose spec sets
 * `stopsOnSignal` is trusted to stop by itself (training finishes its step, keeps its
 * checkpoint and releases its lock); any other task is stopped at once. The exit code is 130
 * for Ctrl-C and 143 for SIGTERM; a second signal always exits at once.
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
  let received: StopSignal | undefined;
  const onSignal = (signal: StopSignal): void => {
    const name = SIGNAL_NAME[signal];
    if (received !== undefined) {
      const both = received === signal ? `${name} twice` : `${SIGNAL_NAME[received]}, then ${name}`;
      console.error(`error: Interrupted (${both}); stopped at once`);
      Deno.exit(SIGNAL_EXIT[signal]);
    }
    received = signal;
    controller.abort(new InterruptedError(`Interrupted (${name})`));
    if (!spec.stopsOnSignal) {
      stop(new InterruptedError(`Interrupted (${name})`));
    } else if (signal === "SIGINT") {
      // SIGTERM comes from a supervisor, not a person: no hint about pressing keys.
      console.error("Stopping after the current step (Ctrl-C again to quit at once)…");
    }
  };
  const onSigint = () => onSignal("SIGINT");
  const onSigterm = () => onSignal("SIGTERM");
  Deno.addSignalListener("SIGINT", onSigint);
  Deno.addSignalListener("SIGTERM", onSigterm);
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
    // A 100 KB path or value echoed back whole would bury the message.
    console.error(`error: ${clipWords(message)}`);
    if (error instanceof UsageError) {
      console.error(`Run "deno task ${spec.name} --help" for usage.`);
    }
    Deno.exit(exitCode(error, received));
  } finally {
    // A listener keeps the process alive; without removing it a finished task would hang.
    Deno.removeSignalListener("SIGINT", onSigint);
    Deno.removeSignalListener("SIGTERM", onSigterm);
  }
}
