/**
 * The flags of `deno task compare-models`.
 *
 * @module
 */
import { defaultRecipe, defaultTrainConfig } from "../defaults.ts";
import type { FlagSpec } from "./flag_spec.ts";
import { ARCH_FILES_FLAG } from "./arch_flags.ts";
import { ENGINE_FLAG } from "./train_flags.ts";
import { BACKEND_FLAG, DATA_DIR_FLAG, JSON_FLAG, QUIET_FLAG } from "./common_flags.ts";

/** Flags of `compare-models`. */
export const COMPARE_FLAGS: Record<string, FlagSpec> = {
  arch: { type: "string", value: "A,B", help: "Architectures to compare (default all four)" },
  "arch-file": ARCH_FILES_FLAG,
  epochs: {
    type: "string",
    value: "N",
    help:
      `Epochs for every architecture (default: each recipe's; ${defaultRecipe().epochs} for a file)`,
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
