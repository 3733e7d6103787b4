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
 * A negative number after a flag is its value (`--epochs -1` reaches the range check), and a
 * flag that is not `multiple` may be given only once.
 *
 * @throws {UsageError} for an unknown flag, a missing value, a stray positional argument or
 * a repeated flag.
 */
export function parseTaskArgs(argv: string[], spec: TaskSpec): ParsedFlags | undefined {
  const flags = { ...spec.flags, help: HELP_FLAG };
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, f]) => [
      name,
      { type: f.type, ...(f.short ? { short: f.short } : {}), multiple: f.multiple ?? false },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, flags),
      options,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    throw new UsageError(clipWords(message.replace(/\. To specify.*$/, "")));
  }
  if (parsed.values.help) return undefined;
  rejectRepeats(parsed.tokens, flags);
  rejectBlankPaths(parsed.values as ParsedFlags, flags);
  return parsed.values as ParsedFlags;
}

const SHOWN_CHARACTERS = 60;

/**
 * A value as error messages quote it: in full when short, else its start and its length, so a
 * 100 KB value is not echoed back whole.
 *
 * @example
 * ```ts
 * import { shown } from "./args.ts";
 * if (shown("x".repeat(1000)) !== `"${"x".repeat(60)}…" (1000 characters)`) throw new Error();
 * ```
 */
export function shown(value: string | undefined): string {
  if (value === undefined) return "nothing";
  if (value.length <= SHOWN_CHARACTERS + 20) return `"${value}"`;
  return `"${value.slice(0, SHOWN_CHARACTERS)}…" (${value.length} characters)`;
}

/** Shortens every over-long word of a message (parseArgs quotes unknown flags whole). */
export function clipWords(message: string, max = 200): string {
  return message.replace(
    new RegExp(`\\S{${max + 1},}`, "g"),
    (word) => `${word.slice(0, SHOWN_CHARACTERS)}… (${word.length} characters)`,
  );
}

function isPathFlag(flag: FlagSpec): boolean {
  return flag.path ?? (flag.value === "DIR" || flag.value === "FILE");
}

/** `--out ""` once trained a whole run and saved nothing: a path must name something. */
function rejectBlankPaths(values: ParsedFlags, flags: Record<string, FlagSpec>): void {
  for (const [name, value] of Object.entries(values)) {
    const flag = flags[name];
    if (!flag || !isPathFlag(flag)) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (typeof one !== "string" || one.trim() !== "") continue;
      const what = one === "" ? "empty" : "blank";
      throw new UsageError(
        `--${name} is ${what}; give a ${flag.value === "DIR" ? "folder" : "file"} name`,
      );
    }
  }
}

/** A value that looks like a negative number (`-1`, `-0.5`, `-1e3`), not like a flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `parseArgs` calls `--epochs -1` "ambiguous" (the value starts with a dash), which hides the
 * real mistake; joined as `--epochs=-1` the value reaches the flag's own range check.
 */
function joinNegativeValues(argv: string[], flags: Record<string, FlagSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const long = arg.startsWith("--") && !arg.includes("=") ? flags[arg.slice(2)] : undefined;
    const short = /^-[a-zA-Z]$/.test(arg)
      ? Object.values(flags).find((f) => f.short === arg[1])
      : undefined;
    const flag = long ?? short;
    if (flag?.type === "string" && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(long ? `${arg}=${next}` : arg + next);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

interface OptionToken {
  kind: string;
  name?: string;
  value?: string | undefined;
}

/** A flag that takes one value, given twice, is a mistake: which one was meant is unknowable. */
function rejectRepeats(tokens: OptionToken[], flags: Record<string, FlagSpec>): void {
  const seen = new Map<string, string | undefined>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.name === undefined) continue;
    if (flags[token.name]?.multiple) continue;
    if (seen.has(token.name)) {
      const values = flags[token.name]?.type === "string"
        ? ` (${shown(seen.get(token.name))} and ${shown(token.value)})`
        : "";
      throw new UsageError(`--${token.name} was given more than once${values}; give it once`);
    }
    seen.set(token.name, token.value);
  }
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
    throw new UsageError(`--${name} must be an integer ${bounds}, got ${shown(String(raw))}`);
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
    throw new UsageError(`--${name} must be a number, got ${shown(String(raw))}`);
  }
  if (value < min || value > max) {
    throw new UsageError(`--${name} must be between ${min} and ${max}, got ${shown(raw)}`);
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
    throw new UsageError(
      `--${name} must be one of ${choices.join(", ")}, got ${shown(String(raw))}`,
    );
  }
  return raw as T;
}

/** Reads an optional string flag. */
export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const raw = flags[name];
  return typeof raw === "string" ? raw : undefined;
}
