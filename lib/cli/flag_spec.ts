/**
 * The shape of a task's flags: the one description that both the parser ({@link
 * ./args.ts}) and the `--help` text read, so the two cannot drift apart. Types only, at the
 * bottom of the cli layer, so every flag module can name them without importing the parser.
 *
 * @module
 */

/** One flag of a task. */
export interface FlagSpec {
  /** `string` takes a value, `boolean` is a switch. */
  type: "string" | "boolean";
  /** One-line help, including the default. */
  help: string;
  /** Single-letter alias. */
  short?: string;
  /** Placeholder for the value in help, e.g. `N` or `DIR`. */
  value?: string;
  /** The flag may be given several times (values collected in order). */
  multiple?: boolean;
  /**
   * The value names a file or folder, so an empty or blank value is a usage error.
   * @default {true when `value` is `DIR` or `FILE`}
   */
  path?: boolean;
}

/** A task's name, one-line description and flags. */
export interface TaskSpec {
  /** The `deno task` name, e.g. `train`. */
  name: string;
  /** What the task does, one line. */
  summary: string;
  /** Flags by long name (without `--`). `help` is added automatically. */
  flags: Record<string, FlagSpec>;
  /**
   * The task watches the `signal` `runTask` gives it and stops by itself at Ctrl-C (training
   * finishes its step and keeps its checkpoint). Otherwise `runTask` stops it at once.
   * @default false
   */
  stopsOnSignal?: boolean;
}

/** Parsed flag values: strings, booleans, or arrays of strings for `multiple` flags. */
export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;
