/**
 * Flag parsing for the tasks: a thin layer over `node:util` `parseArgs` (JSR's `@std/cli` is
 * unreachable from our machines) that turns every mistake into a {@linkcode UsageError} and
 * renders `--help` from the same spec, so usage text and parsing never drift apart.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";

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
}

/** A task's name, one-line description and flags. */
export interface TaskSpec {
  /** The `deno task` name, e.g. `train`. */
  name: string;
  /** What the task does, one line. */
  summary: string;
  /** Flags by long name (without `--`). `help` is added automatically. */
  flags: Record<string, FlagSpec>;
}

/** Parsed flag values: strings, booleans, or arrays of strings for `multiple` flags. */
export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

/** Renders the usage text of a task. */
export function usage(spec: TaskSpec): string {
  const lines = [`Usage: deno task ${spec.name} [options]`, "", spec.summary, "", "Options:"];
  const entries = Object.entries({ ...spec.flags, help: HELP_FLAG });
  const labels = entries.map(([name, flag]) =>
    `${flag.short ? `-${flag.short}, ` : "    "}--${name}${flag.value ? ` ${flag.value}` : ""}`
  );
  const width = Math.max(...labels.map((l) => l.length));
  entries.forEach(([, flag], i) => lines.push(`  ${labels[i]!.padEnd(width)}  ${flag.help}`));
  return lines.join("\n");
}

const HELP_FLAG: FlagSpec = { type: "boolean", short: "h", help: "Show this help and exit" };

/**
 * Parses `argv` against the spec. Returns `undefined` when `--help` was given (the caller
 * prints {@linkcode usage} and exits 0).
 *
 * @throws {UsageError} for an unknown flag, a missing value or a stray positional argument.
 */
export function parseTaskArgs(argv: string[], spec: TaskSpec): ParsedFlags | undefined {
  const options = Object.fromEntries(
    Object.entries({ ...spec.flags, help: HELP_FLAG }).map(([name, f]) => [
      name,
      { type: f.type, ...(f.short ? { short: f.short } : {}), multiple: f.multiple ?? false },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    throw new UsageError(message.replace(/\. To specify.*$/, ""));
  }
  if (parsed.values.help) return undefined;
  return parsed.values as ParsedFlags;
}

/**
 * Reads an integer flag, checking its range.
 *
 * @throws {UsageError} when the value is not an integer in `[min, max]`.
 */
export function intFlag(
  flags: ParsedFlags,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const { min = -Infinity, max = Infinity } = range;
  if (typeof raw !== "string" || !/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
    const bounds = max === Infinity ? `≥ ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`--${name} must be an integer ${bounds}, got "${raw}"`);
  }
  return value;
}

/**
 * Reads a number flag, checking its range (exclusive of `min` when `exclusiveMin`).
 *
 * @throws {UsageError} when the value is not a finite number in range.
 */
export function numberFlag(
  flags: ParsedFlags,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const { min = -Infinity, max = Infinity } = range;
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value)) {
    throw new UsageError(`--${name} must be a number, got "${raw}"`);
  }
  if (value < min || value > max) {
    throw new UsageError(`--${name} must be between ${min} and ${max}, got ${raw}`);
  }
  return value;
}

/**
 * Reads a string flag restricted to a set of choices.
 *
 * @throws {UsageError} naming the allowed values.
 */
export function choiceFlag<T extends string>(
  flags: ParsedFlags,
  name: string,
  choices: readonly T[],
): T | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || !choices.includes(raw as T)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

/** Reads an optional string flag. */
export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const raw = flags[name];
  return typeof raw === "string" ? raw : undefined;
}
