/**
 * The flags of `deno task compare-models`.
 *
 * @module
 */
import { ARCHITECTURE_NAMES } from "../models/architectures.ts";
import { UsageError } from "../errors.ts";
import { defaultTrainConfig } from "../defaults.ts";
import { type FlagSpec, type ParsedFlags, shown, stringFlag } from "./args.ts";
import { ENGINE_FLAG } from "./train_flags.ts";
import { BACKEND_FLAG, DATA_DIR_FLAG, JSON_FLAG, QUIET_FLAG } from "./common_flags.ts";

/** Flags of `compare-models`. */
export const COMPARE_FLAGS: Record<string, FlagSpec> = {
  arch: { type: "string", value: "A,B", help: "Architectures to compare (default all four)" },
  epochs: {
    type: "string",
    value: "N",
    help: "Epochs for every architecture (default: each recipe's)",
  },
  limit: { type: "string", value: "N", help: "Train on the first N samples only (default 60000)" },
  seed: {
    type: "string",
    value: "N",
    help: `Seed shared by every run (default ${defaultTrainConfig().compareSeed})`,
  },
  backend: BACKEND_FLAG,
  engine: ENGINE_FLAG,
  "data-dir": DATA_DIR_FLAG,
  out: { type: "string", value: "FILE", help: "Also write the table to FILE (.md or .json)" },
  report: { type: "boolean", help: "Also write a side-by-side report.html (reports/compare/)" },
  quiet: QUIET_FLAG,
  json: JSON_FLAG,
};

/**
 * Reads `--arch a,b,…`, checking each name. A name given twice is trained once, with a note
 * (two rows of one architecture, same seed and data, would only repeat each other).
 *
 * @param flags The parsed flags.
 * @param onNote Receives the note about repeated names.
 * @returns The names in order, each once, or `undefined` when `--arch` is absent.
 * @throws {UsageError} for an unknown name or an empty list.
 *
 * @example
 * ```ts
 * import { archListFlag } from "./compare_flags.ts";
 * if (archListFlag({ arch: "mlp,mlp" }, () => {})?.join() !== "mlp") throw new Error();
 * ```
 */
export function archListFlag(
  flags: ParsedFlags,
  onNote: (line: string) => void = () => {},
): string[] | undefined {
  const raw = stringFlag(flags, "arch");
  if (raw === undefined) return undefined;
  const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ARCHITECTURE_NAMES.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--arch: unknown architecture ${shown(unknown[0] ?? raw)} (known: ${
        ARCHITECTURE_NAMES.join(", ")
      })`,
    );
  }
  const unique = [...new Set(names)];
  const repeated = unique.filter((n) => names.indexOf(n) !== names.lastIndexOf(n));
  if (repeated.length > 0) {
    onNote(`Note: --arch names ${repeated.join(", ")} more than once; each is trained once`);
  }
  return unique;
}
