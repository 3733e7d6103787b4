/**
 * Typed readers for parsed flag values. `parseArgs` hands back strings; each reader checks one
 * kind of value (integer, number, choice) and its range, so a task's flag module states the
 * rule once and every mistake becomes the same kind of one-line {@linkcode UsageError}.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { ParsedFlags } from "./flag_spec.ts";
import { shown } from "./shown.ts";

/** The allowed range of a numeric flag, both ends included. @default unbounded */
export interface FlagRange {
  min?: number;
  max?: number;
}

/**
 * Reads an integer flag, checking its range.
 *
 * @throws {UsageError} when the value is not an integer in `[min, max]`.
 */
export function intFlag(
  flags: ParsedFlags,
  name: string,
  range: FlagRange = {},
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
 * Reads a number flag, checking its range (`min` and `max` both allowed).
 *
 * @throws {UsageError} when the value is not a finite number in range.
 */
export function numberFlag(
  flags: ParsedFlags,
  name: string,
  range: FlagRange = {},
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
