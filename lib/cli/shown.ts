/**
 * How error messages quote what the user typed. A flag value can be any size (a pasted file,
 * a runaway shell expansion), and a usage error must stay one readable line, so long values
 * are shown by their start and their length instead of whole.
 *
 * @module
 */

const SHOWN_CHARACTERS = 60;

/**
 * A value as error messages quote it: in full when short, else its start and its length, so a
 * 100 KB value is not echoed back whole.
 *
 * @example
 * ```ts
 * import { shown } from "./shown.ts";
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
