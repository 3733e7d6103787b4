/**
 * Flag parsing for the tasks: a thin layer over `node:util` `parseArgs` (JSR's `@std/cli` is
 * unreachable from our machines) that turns every mistake into a {@linkcode UsageError} and
 * renders `--help` from the same spec, so usage text and parsing never drift apart.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import type { FlagSpec, ParsedFlags, TaskSpec } from "./flag_spec.ts";
import { clipWords, shown } from "./shown.ts";

// The tasks/ wrappers import the readers from here; lib modules import them from their file.
export type { FlagSpec, ParsedFlags, TaskSpec } from "./flag_spec.ts";
export { choiceFlag, intFlag, stringFlag } from "./flag_values.ts";

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
