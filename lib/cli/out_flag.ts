/**
 * `--out`: where a task writes. A model or report folder is swapped in whole beside its lock,
 * so its parent must be writable too; `train --out models` once failed only at the first save
 * with "Requires write access to <project root>", which named a folder nobody mentioned.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import type { ParsedFlags } from "./flag_spec.ts";
import { stringFlag } from "./flag_values.ts";
import { shown } from "./shown.ts";

function mayWrite(path: string): boolean {
  return Deno.permissions.querySync({ name: "write", path }).state === "granted";
}

/**
 * Reads `--out` (or `fallback`) and checks that the task may write it and the folder it lies
 * in (for the lock and the swap, or the temporary file of an atomic write).
 *
 * @param flags The parsed flags.
 * @param fallback The default when `--out` is absent.
 * @param example A path the task may write, shown in the message.
 * @returns The path.
 * @throws {UsageError} when the path or its folder is outside the task's write permission.
 *
 * @example
 * ```ts
 * import { outFlag } from "./out_flag.ts";
 * if (outFlag({ out: "models/a" }, "models/b", "models/x") !== "models/a") throw new Error();
 * ```
 */
export function outFlag(flags: ParsedFlags, fallback: string, example: string): string {
  const out = stringFlag(flags, "out") ?? fallback;
  const absolute = resolve(out);
  if (mayWrite(absolute) && mayWrite(dirname(absolute))) return out;
  const what = flags.out === undefined ? "the default output" : `--out ${shown(out)}`;
  throw new UsageError(
    `${what} must lie inside a folder this task may write (see deno.json; the output is ` +
      `replaced whole, beside its siblings), e.g. --out ${example}`,
  );
}

/**
 * Reads an optional `--out`, checked like {@linkcode outFlag}; `undefined` when absent.
 *
 * @throws {UsageError} when the path or its folder is outside the task's write permission.
 */
export function optionalOutFlag(flags: ParsedFlags, example: string): string | undefined {
  return flags.out === undefined ? undefined : outFlag(flags, "", example);
}
