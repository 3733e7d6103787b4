/**
 * The `--range A-B` / `--count N --seed S` flags of `deno task samples`, read into a
 * {@linkcode SampleSelection} and checked against the split they draw from.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { SampleSelection } from "../report/sample_grid.ts";
import type { FlagSpec, ParsedFlags } from "./flag_spec.ts";
import { intFlag, stringFlag } from "./flag_values.ts";
import { shown } from "./shown.ts";

/** The flags that choose samples. */
export const SAMPLE_FLAGS: Record<string, FlagSpec> = {
  count: { type: "string", value: "N", help: "Random digits to show (default 20)" },
  seed: { type: "string", value: "N", help: "Seed of the random draw (default 0)" },
  range: { type: "string", value: "A-B", help: "Indices A to B, e.g. 1990-2009" },
};

/**
 * Reads the selection: a range `A-B` (inclusive, upwards, below `splitCount`) or a seeded
 * random draw.
 *
 * @throws {UsageError} for a malformed or out-of-range `--range`, or a bad count or seed.
 */
export function sampleSelectionFlag(flags: ParsedFlags, splitCount: number): SampleSelection {
  const range = stringFlag(flags, "range");
  if (range === undefined) {
    return {
      count: intFlag(flags, "count", { min: 1, max: 1000 }) ?? 20,
      seed: intFlag(flags, "seed", { min: 0 }) ?? 0,
    };
  }
  const match = range.match(/^(\d+)\s*[-–]\s*(\d+)$/);
  if (!match) throw new UsageError(`--range must look like 1990-2009, got ${shown(range)}`);
  const [from, to] = [Number(match[1]), Number(match[2])];
  if (to >= splitCount) {
    throw new UsageError(`--range must lie within 0–${splitCount - 1}, got ${shown(range)}`);
  }
  if (from > to) throw new UsageError(`--range must run upwards (A ≤ B), got ${shown(range)}`);
  return { from, to };
}
